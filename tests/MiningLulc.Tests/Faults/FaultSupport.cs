using System.Diagnostics;
using System.Text;

namespace MiningLulc.Tests.Faults;

/// <summary>
/// The built CLI (<c>dotnet mining-lulc.dll</c>) as a child process that a test can wait for under a
/// time limit, or kill with SIGKILL at a moment of its choosing (what the OOM killer or a pre-empted
/// batch node does: no clean-up of any kind).
/// </summary>
public sealed class CliChild : IDisposable
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "mining-lulc.dll");

    private readonly Process process;
    private readonly StringBuilder stdout = new(), stderr = new();

    private CliChild(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static CliChild Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["COLUMNS"] = "200";
        psi.Environment["NO_COLOR"] = "1";
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the CLI");
        p.StandardInput.Close();
        return new CliChild(p);
    }

    /// <summary>Runs the CLI to its end; a run that outlives <paramref name="limit"/> is killed and fails the test (a hang).</summary>
    public static (int Code, string Stdout, string Stderr) Run(TimeSpan limit, params string[] args)
    {
        using var child = Start(args);
        Assert.True(child.WaitForExit(limit), $"mining-lulc {string.Join(' ', args)} did not end within {limit.TotalSeconds:0} s (a hang); killed.\n{child.Stderr}");
        return (child.ExitCode, child.Stdout, child.Stderr);
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Stdout { get { lock (stdout) return stdout.ToString(); } }

    public string Stderr { get { lock (stderr) return stderr.ToString(); } }

    /// <summary>Waits for the end (and the last output lines); false when the limit passed, after killing the process.</summary>
    public bool WaitForExit(TimeSpan limit)
    {
        if (process.WaitForExit(limit))
        {
            process.WaitForExit(); // drains the redirected output
            return true;
        }
        Kill9();
        return false;
    }

    /// <summary>SIGKILL (Process.Kill on Unix), then waits until the process is gone.</summary>
    public void Kill9()
    {
        try { process.Kill(); } catch (InvalidOperationException) { /* already gone */ }
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited) Kill9();
        process.Dispose();
    }
}

/// <summary>Damage done to input files the way downloads and disks do it (test data is synthetic).</summary>
public static class Damage
{
    /// <summary>Cuts a file to <paramref name="length"/> bytes, as a download cut short.</summary>
    public static void Truncate(string path, long length)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
        f.SetLength(Math.Min(length, f.Length));
    }

    /// <summary>Overwrites <paramref name="count"/> bytes from <paramref name="offset"/> with seeded random bytes (a damaged disk block).</summary>
    public static void Garbage(string path, long offset, int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
        f.Position = Math.Min(offset, f.Length);
        f.Write(bytes, 0, (int)Math.Min(count, Math.Max(0, f.Length - f.Position)));
    }

    /// <summary>
    /// Makes the geometry of one feature of a GeoPackage unreadable, in place: finds the
    /// <paramref name="occurrence"/>-th GeoPackage geometry blob (header "GP", version 0, EPSG:4326)
    /// and overwrites its WKB geometry type with a code no reader knows. Returns false when there is none.
    /// </summary>
    public static bool CorruptGeometryBlob(string gpkg, int occurrence)
    {
        var bytes = File.ReadAllBytes(gpkg);
        var seen = 0;
        for (var i = 0; i + 8 < bytes.Length; i++)
        {
            // 'G' 'P', version 0, flags (bit 0 = little-endian), srs_id 4326 little-endian.
            if (bytes[i] != 0x47 || bytes[i + 1] != 0x50 || bytes[i + 2] != 0 || (bytes[i + 3] & 1) != 1) continue;
            if (bytes[i + 4] != 0xE6 || bytes[i + 5] != 0x10 || bytes[i + 6] != 0 || bytes[i + 7] != 0) continue;
            if (seen++ != occurrence) continue;
            var envelope = ((bytes[i + 3] >> 1) & 7) switch { 0 => 0, 1 => 32, 2 or 3 => 48, 4 => 64, _ => -1 };
            if (envelope < 0) return false;
            var wkb = i + 8 + envelope;
            for (var k = 1; k <= 4; k++) bytes[wkb + k] = 0xEE; // the geometry type after the byte-order byte
            File.WriteAllBytes(gpkg, bytes);
            return true;
        }
        return false;
    }
}

/// <summary>A fact that runs as root with a tmpfs mountable, and is skipped with the reason elsewhere.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) { Skip = "tmpfs disk-full test: Linux only"; return; }
        if (Tmpfs.Probe() is { } why) Skip = $"tmpfs disk-full test skipped: cannot mount a small tmpfs here ({why}); it needs root and mount permission";
    }
}

/// <summary>A small tmpfs mounted on a new folder (unmounted on dispose): a disk that fills up after a few hundred kilobytes.</summary>
public sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    public static Tmpfs Mount(int kilobytes)
    {
        var dir = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlulc-tmpfs-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var (code, output) = Tools.Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", dir);
        if (code != 0)
        {
            Directory.Delete(dir);
            throw new InvalidOperationException($"mount -t tmpfs failed: {output}");
        }
        return new Tmpfs(dir);
    }

    /// <summary>Null when a tmpfs can be mounted here, else why not.</summary>
    public static string? Probe()
    {
        try
        {
            if (Tools.Find("mount") is null || Tools.Find("umount") is null) return "no mount/umount";
            using var t = Mount(64);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return e.Message.Trim();
        }
    }

    /// <summary>Grows (or shrinks) the mounted disk in place, files kept.</summary>
    public void Resize(int kilobytes)
    {
        var (code, output) = Tools.Run("mount", "-o", $"remount,size={kilobytes}k", Path);
        if (code != 0) throw new InvalidOperationException($"remounting {Path} failed: {output}");
    }

    public void Dispose()
    {
        Tools.Run("umount", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
