using System.Text.Json;

namespace Stampede.Demo.Llm;

/// <summary>Reads an OpenAI-compatible chat or completion request body; a problem becomes the message of a 400.</summary>
internal static class LlmRequestParser
{
    /// <summary>Parses <paramref name="body"/>; returns null and sets <paramref name="error"/> when it is not a valid request.</summary>
    public static LlmRequest? TryParse(ReadOnlySpan<byte> body, LlmRequestKind kind, string defaultModel, out string error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException exception)
        {
            error = $"the body is not valid JSON: {exception.Message}";
            return null;
        }

        using (document)
        {
            return TryRead(document.RootElement, kind, defaultModel, out error);
        }
    }

    private static LlmRequest? TryRead(JsonElement root, LlmRequestKind kind, string defaultModel, out string error)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the body must be a JSON object";
            return null;
        }

        string model = defaultModel;
        if (root.TryGetProperty("model", out var modelElement) && modelElement.ValueKind != JsonValueKind.Null)
        {
            if (modelElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(modelElement.GetString()))
            {
                error = "'model' must be a non-empty string";
                return null;
            }

            model = modelElement.GetString()!;
        }

        int? words = kind == LlmRequestKind.Chat ? MessageWords(root, out error) : PromptWords(root, out error);
        if (words is null)
        {
            return null;
        }

        int maxTokens = LlmSimulatorOptions.DefaultMaxTokens;
        var hasMax = root.TryGetProperty("max_tokens", out var maxElement) && maxElement.ValueKind != JsonValueKind.Null;
        if (!hasMax)
        {
            hasMax = root.TryGetProperty("max_completion_tokens", out maxElement) && maxElement.ValueKind != JsonValueKind.Null;
        }

        if (hasMax)
        {
            if (maxElement.ValueKind != JsonValueKind.Number || !maxElement.TryGetInt64(out var requested) || requested < 1)
            {
                error = "'max_tokens' must be a whole number of at least 1";
                return null;
            }

            maxTokens = (int)Math.Min(requested, LlmSimulatorOptions.MaxTokensCap);
        }

        if (!TryBool(root, "stream", out var stream, out error))
        {
            return null;
        }

        var includeUsage = false;
        if (root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
            && !TryBool(streamOptions, "include_usage", out includeUsage, out error))
        {
            return null;
        }

        error = string.Empty;
        return new LlmRequest(kind, model, PromptTokenCounter.FromWords(words.Value), maxTokens, stream, includeUsage);
    }

    private static int? MessageWords(JsonElement root, out string error)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            error = "'messages' must be a non-empty array of {\"role\":…,\"content\":…}";
            return null;
        }

        int words = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                error = "every message must be an object with a string 'role'";
                return null;
            }

            if (message.TryGetProperty("content", out var content))
            {
                switch (content.ValueKind)
                {
                    case JsonValueKind.String:
                        words += PromptTokenCounter.Words(content.GetString());
                        break;
                    case JsonValueKind.Null:
                        break;
                    case JsonValueKind.Array:
                        // Content parts ({"type":"text","text":…}): only the text parts count.
                        foreach (var part in content.EnumerateArray())
                        {
                            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                            {
                                words += PromptTokenCounter.Words(text.GetString());
                            }
                        }

                        break;
                    default:
                        error = "a message's 'content' must be a string, an array of content parts or null";
                        return null;
                }
            }
        }

        error = string.Empty;
        return words;
    }

    private static int? PromptWords(JsonElement root, out string error)
    {
        if (!root.TryGetProperty("prompt", out var prompt))
        {
            error = "'prompt' is required: a string or an array of strings";
            return null;
        }

        error = string.Empty;
        if (prompt.ValueKind == JsonValueKind.String)
        {
            return PromptTokenCounter.Words(prompt.GetString());
        }

        if (prompt.ValueKind == JsonValueKind.Array)
        {
            int words = 0;
            foreach (var item in prompt.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    error = "'prompt' must be a string or an array of strings (token arrays are not simulated)";
                    return null;
                }

                words += PromptTokenCounter.Words(item.GetString());
            }

            return words;
        }

        error = "'prompt' must be a string or an array of strings";
        return null;
    }

    private static bool TryBool(JsonElement parent, string name, out bool value, out string error)
    {
        value = false;
        error = string.Empty;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = element.GetBoolean();
            return true;
        }

        error = $"'{name}' must be true or false";
        return false;
    }
}
