namespace MiningLulc;

/// <summary>Root of every exception the library throws on purpose.</summary>
public class MiningLulcException : Exception
{
    public MiningLulcException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// An input the engine cannot use: a missing, corrupt or inconsistent file, a bad setting.
/// The message is one sentence that names the file (when there is one) and what is wrong.
/// The CLI maps it to exit code 2.
/// </summary>
public class InvalidInputException : MiningLulcException
{
    public InvalidInputException(string message, string? path = null, Exception? inner = null)
        : base(path is null ? message : $"{path}: {message}", inner) => Path = path;

    /// <summary>The file or folder at fault, when there is one.</summary>
    public string? Path { get; }
}

/// <summary>A GDAL call failed; the message is GDAL's own, prefixed by the file it was working on.</summary>
public sealed class GdalException : InvalidInputException
{
    public GdalException(string message, string? path = null) : base(message, path) { }
}

/// <summary>No usable GDAL shared library was found on this machine.</summary>
public sealed class GdalNotFoundException : MiningLulcException
{
    public GdalNotFoundException(string message) : base(message) { }
}
