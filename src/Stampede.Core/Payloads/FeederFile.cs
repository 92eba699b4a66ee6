namespace Stampede;

/// <summary>One file loaded by <see cref="Feeders.Folder"/>: its name, bytes and media type.</summary>
public sealed class FeederFile
{
    private readonly byte[] _bytes;

    internal FeederFile(string path, byte[] bytes)
    {
        Path = path;
        Name = System.IO.Path.GetFileName(path);
        ContentType = ContentTypes.FromFileName(path);
        _bytes = bytes;
    }

    /// <summary>File name with extension, without the folder (for example <c>cat.jpg</c>).</summary>
    public string Name { get; }

    /// <summary>Full path the file was read from.</summary>
    public string Path { get; }

    /// <summary>The file's contents, read when the feeder was created.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Size of the file, bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>Media type guessed from the extension (<c>.jpg</c> → <c>image/jpeg</c>, <c>.json</c> → <c>application/json</c>, …); <c>application/octet-stream</c> when unknown.</summary>
    public string ContentType { get; }

    /// <summary>The file as a request body with <see cref="ContentType"/>, wrapping the loaded bytes without copying them.</summary>
    /// <returns>A new content over the shared bytes.</returns>
    public HttpContent ToContent() => Payloads.Content(_bytes, ContentType);

    /// <summary>The file's <see cref="Name"/>.</summary>
    public override string ToString() => Name;
}
