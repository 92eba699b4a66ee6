namespace Stampede;

/// <summary>Media types of the file extensions inference payloads usually come in.</summary>
internal static class ContentTypes
{
    public const string Default = "application/octet-stream";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".png"] = "image/png",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".bmp"] = "image/bmp",
        [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff",
        [".avif"] = "image/avif",
        [".heic"] = "image/heic",
        [".svg"] = "image/svg+xml",
        [".wav"] = "audio/wav",
        [".mp3"] = "audio/mpeg",
        [".flac"] = "audio/flac",
        [".ogg"] = "audio/ogg",
        [".m4a"] = "audio/mp4",
        [".webm"] = "video/webm",
        [".mp4"] = "video/mp4",
        [".json"] = "application/json",
        [".jsonl"] = "application/jsonl",
        [".ndjson"] = "application/x-ndjson",
        [".txt"] = "text/plain",
        [".csv"] = "text/csv",
        [".xml"] = "application/xml",
        [".html"] = "text/html",
        [".pdf"] = "application/pdf",
        [".pb"] = "application/x-protobuf",
        [".npy"] = Default,
        [".bin"] = Default,
    };

    public static string FromFileName(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out string? type) ? type : Default;
}
