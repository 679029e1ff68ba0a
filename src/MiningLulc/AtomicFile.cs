using System.Globalization;

namespace MiningLulc;

/// <summary>
/// Whole-file writes that readers never see half done, even with several processes writing the same
/// file at once (shards of one region sharing OUTDIR): each writer uses a temporary name of its own
/// (process id + a random part) beside the target and renames it into place, which POSIX makes
/// atomic; the last rename wins and every reader sees one complete version.
/// </summary>
public static class AtomicFile
{
    /// <summary>A temporary name beside <paramref name="path"/> that no other writer uses (a dot file, so globs skip it).</summary>
    public static string TempPathFor(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var unique = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        return Path.Combine(dir, "." + Path.GetFileName(path) + "." + unique[..Math.Min(unique.Length, 24)] + ".tmp");
    }

    public static void WriteAllText(string path, string text) => Write(path, tmp => File.WriteAllText(tmp, text));

    /// <summary>Calls <paramref name="write"/> with a private temporary path, then renames it to <paramref name="path"/>; the temporary file is removed on failure.</summary>
    public static void Write(string path, Action<string> write)
    {
        var tmp = TempPathFor(path);
        try
        {
            write(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
