namespace Stampede.Demo.Http;

/// <summary>How reading a request body ended.</summary>
internal enum BodyStatus
{
    Read,
    Empty,
    TooLarge,
}
