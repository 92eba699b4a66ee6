namespace Stampede;

/// <summary>An image size in pixels, with presets for the sizes inference APIs usually receive.</summary>
/// <param name="Width">Width, pixels.</param>
/// <param name="Height">Height, pixels.</param>
public readonly record struct Resolution(int Width, int Height)
{
    /// <summary>224×224: the input of ImageNet classifiers (ResNet, ViT, MobileNet) after preprocessing on the client.</summary>
    public static Resolution ImageNet { get; } = new(224, 224);

    /// <summary>640×480 (VGA): a webcam frame or a detector's input (YOLO's 640).</summary>
    public static Resolution Vga { get; } = new(640, 480);

    /// <summary>1920×1080 (Full HD): a video frame or a screenshot sent as-is.</summary>
    public static Resolution FullHd { get; } = new(1920, 1080);

    /// <summary>4032×3024: a 12-megapixel phone photo uploaded without resizing.</summary>
    public static Resolution Photo12MP { get; } = new(4032, 3024);

    /// <summary>Width × height, pixels.</summary>
    public long Pixels => (long)Width * Height;

    /// <summary>The size as <c>WIDTHxHEIGHT</c>, for example <c>1920x1080</c>.</summary>
    public override string ToString() => $"{Width}x{Height}";
}
