namespace Stampede;

/// <summary>How <see cref="Images"/> encodes a synthetic image.</summary>
public enum ImageFormat
{
    /// <summary>Baseline JPEG with 4:2:0 chroma subsampling, like a camera or phone photo (<c>image/jpeg</c>).</summary>
    Jpeg,

    /// <summary>Lossless PNG (<c>image/png</c>); a noisy photo-like PNG is several times larger than the JPEG.</summary>
    Png,
}
