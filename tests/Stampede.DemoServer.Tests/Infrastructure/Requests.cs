using System.Net.Http.Headers;
using System.Text.Json;

namespace Stampede.Demo.Tests.Infrastructure;

/// <summary>Small helpers to send images and read the JSON answers.</summary>
public static class Requests
{
    public static ByteArrayContent Body(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Json)> PostAsync(HttpClient client, string path, HttpContent content)
    {
        var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return (response, document.RootElement.Clone());
    }

    public static Task<(HttpResponseMessage Response, JsonElement Json)> PredictAsync(HttpClient client, byte[] image, string contentType = "image/jpeg") =>
        PostAsync(client, "/predict", Body(image, contentType));

    public static float[] Embedding(JsonElement json) =>
        json.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();

    public static double Timing(JsonElement json, string name) => json.GetProperty("timings").GetProperty(name).GetDouble();

    public static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();

        // The server's 500 answer names the exception: keep it in the failure, not just the status.
        response.IsSuccessStatusCode.ShouldBeTrue($"GET /metrics answered {(int)response.StatusCode}: {body}");
        return PrometheusText.Parse(body);
    }

    public static double Value(this IReadOnlyList<PrometheusSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Single(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Value;
}
