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

    /// <summary>
    /// Calls <paramref name="write"/> with a private temporary path, then renames it to
    /// <paramref name="path"/>; the temporary file is removed on failure. A failed write (disk full,
    /// I/O error, no permission) is an <see cref="OutputWriteException"/> naming <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, Action<string> write)
    {
        var tmp = TempPathFor(path);
        try
        {
            write(tmp);
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw Failed(path, e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>The <see cref="OutputWriteException"/> for a write to <paramref name="path"/> that the system refused.</summary>
    public static OutputWriteException Failed(string path, Exception e) => new($"could not be written ({e.Message})", path, e);

    /// <summary>Deletes a file if it is there, ignoring failures (clean-up after a failed write must not hide its cause).</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
