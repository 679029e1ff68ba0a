using System.Runtime.InteropServices;

namespace MiningLulc.Geo.Native;

/// <summary>An owned GDALDatasetH: closed (and flushed) by GDALClose when released, even if Dispose is forgotten.</summary>
internal sealed class DatasetHandle : SafeHandle
{
    public DatasetHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        GdalApi.GDALClose(handle);
        return true;
    }
}
