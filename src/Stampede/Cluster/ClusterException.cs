namespace Stampede.Cluster;

/// <summary>A distributed run cannot go on: the NATS server refused or cannot be reached, agents did not come or could not take their share, or the coordinator was lost. The message says what and what to do.</summary>
public sealed class ClusterException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public ClusterException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public ClusterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
