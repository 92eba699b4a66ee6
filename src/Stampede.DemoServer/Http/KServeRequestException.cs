namespace Stampede.Demo.Http;

/// <summary>A KServe request the model cannot take (answered with 400).</summary>
internal sealed class KServeRequestException : Exception
{
    public KServeRequestException(string message)
        : base(message)
    {
    }

    public KServeRequestException()
    {
    }

    public KServeRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
