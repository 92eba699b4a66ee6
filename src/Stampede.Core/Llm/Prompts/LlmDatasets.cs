using System.Text.Json;

namespace Stampede.Llm;

/// <summary>
/// Real conversations for LLM users, from a JSONL file (one record a line) or a JSON array file, handed out by a
/// <see cref="Feeder{T}"/>. Three record shapes are read:
/// ShareGPT, <c>{"conversations":[{"from":"human","value":"…"},{"from":"gpt","value":"…"}]}</c> (as in
/// ShareGPT_V3_unfiltered_cleaned_split.json, the file vLLM's benchmark samples);
/// OpenAI messages, <c>{"messages":[{"role":"user","content":"…"}]}</c>;
/// plain, <c>{"prompt":"…","output_tokens":128}</c> (or <c>max_tokens</c>).
/// </summary>
/// <remarks>
/// A conversation is cut at its last user turn: the turns up to it are sent, and the answer after it (when the record
/// has one) sets <see cref="LlmConversation.ReferenceOutputTokens"/>. Records without a user turn, or above the
/// limits, are skipped, as vLLM's sampling skips them. A line that is not such a record stops the load with the file,
/// the line and what was wrong, before any user starts.
/// </remarks>
public static class LlmDatasets
{
    /// <summary>Loads every usable conversation of <paramref name="path"/>.</summary>
    /// <param name="path">The JSONL or JSON file.</param>
    /// <param name="tokenizer">Counts each conversation's tokens; <see cref="LlmTokenizer.Cl100kBase"/> by default.</param>
    /// <param name="mode">How the feeder hands the conversations out.</param>
    /// <param name="maxInputTokens">Skip conversations whose messages are longer; null for no limit.</param>
    /// <param name="maxOutputTokens">Skip conversations whose reference answer is longer; null for no limit.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">A record is malformed, or none is usable; the message names the file and the line.</exception>
    public static Feeder<LlmConversation> Load(string path, LlmTokenizer? tokenizer = null, FeederMode mode = FeederMode.Circular, int? maxInputTokens = null, int? maxOutputTokens = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The dataset {fullPath} does not exist.", fullPath);
        }

        tokenizer ??= LlmTokenizer.Cl100kBase;
        var conversations = new List<LlmConversation>();
        int records = 0;
        int noUserTurn = 0;
        int tooLong = 0;
        foreach ((JsonElement record, string where) in Records(fullPath))
        {
            records++;
            LlmConversation? conversation = Read(record, tokenizer, out string? problem);
            if (problem is not null)
            {
                throw new FormatException($"{fullPath}, {where}: {problem}");
            }

            if (conversation is null)
            {
                noUserTurn++;
            }
            else if (conversation.InputTokens > maxInputTokens || conversation.ReferenceOutputTokens > maxOutputTokens)
            {
                tooLong++;
            }
            else
            {
                conversations.Add(conversation);
            }
        }

        if (conversations.Count == 0)
        {
            throw new FormatException($"{fullPath} has no usable conversation: {records} records, {noUserTurn} without a user turn, {tooLong} above the token limits.");
        }

        return new Feeder<LlmConversation>([.. conversations], mode, fullPath);
    }

    /// <summary>Each record with where it is ("line 12" in JSONL, "record 12" in an array).</summary>
    private static IEnumerable<(JsonElement Record, string Where)> Records(string path)
    {
        using var reader = new StreamReader(path);
        int first;
        while ((first = reader.Peek()) >= 0 && char.IsWhiteSpace((char)first))
        {
            reader.Read();
        }

        if (first == '[')
        {
            JsonElement array;
            try
            {
                array = JsonSerializer.Deserialize<JsonElement>(reader.ReadToEnd());
            }
            catch (JsonException ex)
            {
                throw new FormatException($"{path} is not valid JSON at line {ex.LineNumber + 1}: {ex.Message}", ex);
            }

            int index = 0;
            foreach (JsonElement item in array.EnumerateArray())
            {
                yield return (item, $"record {++index}");
            }

            yield break;
        }

        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonElement record;
            try
            {
                record = JsonSerializer.Deserialize<JsonElement>(line);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"{path}, line {number}: not a JSON object ({ex.Message}); each line of a JSONL dataset is one record.", ex);
            }

            yield return (record, $"line {number}");
        }
    }

    /// <summary>The conversation of one record; null (no problem) when it has no user turn; a problem when it is not a record.</summary>
    private static LlmConversation? Read(JsonElement record, LlmTokenizer tokenizer, out string? problem)
    {
        problem = null;
        if (record.ValueKind != JsonValueKind.Object)
        {
            problem = $"a record is a JSON object, not {record.ValueKind.ToString().ToLowerInvariant()}";
            return null;
        }

        List<ChatMessage> turns;
        int? declaredOutput = null;
        if (record.TryGetProperty("conversations", out JsonElement shareGpt))
        {
            turns = Turns(shareGpt, "from", "value", ShareGptRole, out problem);
        }
        else if (record.TryGetProperty("messages", out JsonElement messages))
        {
            turns = Turns(messages, "role", "content", OpenAiRole, out problem);
        }
        else if (record.TryGetProperty("prompt", out JsonElement prompt))
        {
            if (prompt.ValueKind != JsonValueKind.String)
            {
                problem = "\"prompt\" must be a string";
                return null;
            }

            turns = [new ChatMessage("user", prompt.GetString()!)];
            foreach (string name in new[] { "output_tokens", "max_tokens" })
            {
                if (record.TryGetProperty(name, out JsonElement n))
                {
                    if (!n.TryGetInt32(out int tokens) || tokens < 1)
                    {
                        problem = $"\"{name}\" must be a whole number of 1 or more";
                        return null;
                    }

                    declaredOutput = tokens;
                    break;
                }
            }
        }
        else
        {
            problem = "the record has none of \"conversations\" (ShareGPT), \"messages\" (OpenAI) or \"prompt\"";
            return null;
        }

        if (problem is not null)
        {
            return null;
        }

        int lastUser = turns.FindLastIndex(t => t.Role == "user");
        if (lastUser < 0)
        {
            return null;
        }

        ChatMessage[] sent = [.. turns.Take(lastUser + 1)];
        int input = sent.Sum(m => tokenizer.CountTokens(m.Content));
        int? reference = declaredOutput
            ?? (lastUser + 1 < turns.Count && turns[lastUser + 1].Role == "assistant" ? tokenizer.CountTokens(turns[lastUser + 1].Content) : null);
        return new LlmConversation(sent, input, reference is 0 ? null : reference);
    }

    private static List<ChatMessage> Turns(JsonElement array, string roleName, string contentName, Func<string, string?> role, out string? problem)
    {
        problem = null;
        var turns = new List<ChatMessage>();
        if (array.ValueKind != JsonValueKind.Array)
        {
            problem = "the turns must be a JSON array";
            return turns;
        }

        foreach (JsonElement turn in array.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object
                || !turn.TryGetProperty(roleName, out JsonElement r) || r.ValueKind != JsonValueKind.String
                || !turn.TryGetProperty(contentName, out JsonElement c) || c.ValueKind != JsonValueKind.String)
            {
                problem = $"each turn needs a string \"{roleName}\" and a string \"{contentName}\"";
                return turns;
            }

            if (role(r.GetString()!) is not { } mapped)
            {
                problem = $"\"{roleName}\": \"{r.GetString()}\" is not a role (user, assistant or system)";
                return turns;
            }

            turns.Add(new ChatMessage(mapped, c.GetString()!));
        }

        return turns;
    }

    private static string? ShareGptRole(string from) => from.ToLowerInvariant() switch
    {
        "human" or "user" => "user",
        "gpt" or "assistant" or "chatgpt" or "bard" or "bing" or "model" => "assistant",
        "system" => "system",
        _ => null,
    };

    private static string? OpenAiRole(string role) => role is "user" or "assistant" or "system" ? role : role == "developer" ? "system" : null;
}
