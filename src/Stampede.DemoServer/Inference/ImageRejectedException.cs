namespace Stampede.Demo.Inference;

/// <summary>The client sent an image the server cannot use (answered with 400).</summary>
internal sealed class ImageRejectedException : Exception
{
    public ImageRejectedException(string message)
        : base(message)
    {
    }

    public ImageRejectedException()
    {
    }

    public ImageRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
