using System.Runtime.InteropServices;

namespace MiningLulc.Geo.Native;

/// <summary>A NULL-terminated <c>char**</c> of UTF-8 strings (GDAL's CSL lists), freed on dispose.</summary>
internal sealed class Utf8StringList : IDisposable
{
    private readonly IntPtr[] pointers;
    private GCHandle pin;

    public Utf8StringList(IEnumerable<string>? items)
    {
        var list = items?.ToList() ?? [];
        pointers = new IntPtr[list.Count + 1];
        for (var i = 0; i < list.Count; i++) pointers[i] = Marshal.StringToCoTaskMemUTF8(list[i]);
        pin = GCHandle.Alloc(pointers, GCHandleType.Pinned);
    }

    /// <summary>The <c>char**</c>; IntPtr.Zero for an empty list, which GDAL reads as "no options".</summary>
    public IntPtr Pointer => pointers.Length == 1 ? IntPtr.Zero : pin.AddrOfPinnedObject();

    public void Dispose()
    {
        if (!pin.IsAllocated) return;
        pin.Free();
        foreach (var p in pointers) if (p != IntPtr.Zero) Marshal.FreeCoTaskMem(p);
    }
}
