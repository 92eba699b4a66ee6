using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Stampede.Demo.Inference;
using Stampede.Demo.Telemetry;

namespace Stampede.Demo.Http;

/// <summary>
/// Counts and times every request by route and status, and turns an unexpected exception into a 500 JSON answer
/// so that no request can take the server down.
/// </summary>
internal sealed class RequestMetricsMiddleware
{
    /// <summary>The endpoint label of requests that matched no route (bounded label values, whatever the paths).</summary>
    public const string UnmatchedEndpoint = "unmatched";

    private readonly DemoServerMetrics _metrics;

    public RequestMetricsMiddleware(DemoServerMetrics metrics) => _metrics = metrics;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        _metrics.RequestStarted();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer. Counted as 499, nginx's "client closed request".
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = InferenceResult.ClientClosedRequest;
            }
        }
        catch (Exception exception)
        {
            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                context.Response.Clear();
                await JsonResponses.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, $"internal error: {exception.Message}").ConfigureAwait(false);
            }
        }
        finally
        {
            var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? UnmatchedEndpoint;
            _metrics.RequestFinished(endpoint, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
