namespace MiningLulc;

/// <summary>Root of every exception the library throws on purpose.</summary>
public class MiningLulcException : Exception
{
    public MiningLulcException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>"path: message", or the message alone when there is no path (never a bare ": ...").</summary>
    internal static string Prefixed(string? path, string message) => string.IsNullOrEmpty(path) ? message : $"{path}: {message}";
}

/// <summary>
/// An input the engine cannot use: a missing, corrupt or inconsistent file, a file GDAL cannot open
/// or read, a bad setting. The message is one sentence that names the file (when there is one) and
/// what is wrong. The CLI maps it to exit code 2.
/// </summary>
public class InvalidInputException : MiningLulcException
{
    public InvalidInputException(string message, string? path = null, Exception? inner = null)
        : base(Prefixed(path, message), inner) => Path = path;

    /// <summary>The file or folder at fault, when there is one.</summary>
    public string? Path { get; }
}

/// <summary>
/// A result could not be written or completed: the disk filled up, an I/O error, a quota, a folder
/// that became unwritable during the run. Not the inputs' fault, so not exit 2: the CLI maps it to
/// exit 3 with one line naming the file and the system's reason (no stack trace), and a rerun once
/// the cause is fixed goes on from the stored sites. An OUTDIR that cannot be written at all is
/// found before any work and is a bad argument (<see cref="InvalidInputException"/>, exit 2).
/// </summary>
public sealed class OutputWriteException : MiningLulcException
{
    public OutputWriteException(string message, string path, Exception? inner = null)
        : base(Prefixed(path, message), inner) => Path = path;

    /// <summary>The file that could not be written (its final name, not a temporary one).</summary>
    public string Path { get; }
}

/// <summary>
/// A GDAL call failed on the engine's own work, not on reading a user's file or writing a result:
/// an in-memory raster, rasterize, polygonize, a coordinate transformation, GDAL running out of
/// memory. The message is GDAL's own, prefixed by the file when there is one. The CLI maps it to
/// exit 3 (internal error). GDAL failing to open or read an input is an
/// <see cref="InvalidInputException"/>; failing to write a result, an <see cref="OutputWriteException"/>.
/// </summary>
public sealed class GdalException : MiningLulcException
{
    public GdalException(string message, string? path = null) : base(Prefixed(path, message)) => Path = path;

    public string? Path { get; }
}

/// <summary>No usable GDAL shared library was found on this machine.</summary>
public sealed class GdalNotFoundException : MiningLulcException
{
    public GdalNotFoundException(string message) : base(message) { }
}
