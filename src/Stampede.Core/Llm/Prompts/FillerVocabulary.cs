namespace Stampede.Llm;

/// <summary>
/// The words a prompt of an exact token count is made of, for one tokenizer: ordinary English words each of which is a
/// single token after a space (<c>" model"</c>), and so also in the text, because tiktoken's pre-tokenizer splits text
/// into such chunks before it merges anything. A text of N of them, separated by single spaces and starting with one
/// that is a single token without its space, is exactly N tokens; a full stop after a word is one more.
/// </summary>
internal sealed class FillerVocabulary
{
    private const string Candidates =
        "the a of and to in is that for it as with was on be by this are at from or have an they which one you were " +
        "all we there can has more when will would who so if out no about into than them only other new some could time " +
        "these two may first then do any like my now over such our man me even most made after also did many before must " +
        "through back years where much your way well down should because each just those people how too little state good " +
        "very make world still own see men work long get here between both life being under never day same another know " +
        "while last might us great old year off come since against go came right used take three states himself few house " +
        "use during without again place around however home small found thought went say part once general high upon school " +
        "every does got united left number course war until always away something fact though water less public put think " +
        "almost hand enough far took head yet government system better set told nothing night end why called didn find look " +
        "asked later point knew city next program business give group toward young days let room side social present given " +
        "several order national possible rather second face per among form important often things early white case large " +
        "need big four within felt children along saw best church ever least power development light thing seemed family " +
        "interest want members mind country area others done turned although open god service certain kind problem began " +
        "different door thus help sense means whole matter perhaps itself york times law human line above name example " +
        "action company local show whether five history gave today either act feet across taken past quite anything seen " +
        "having death week experience body word half really field am car words already themselves information tell " +
        "together college shall money period held keep sure free seems real behind cannot miss political air question " +
        "making office brought whose special major heard problems federal became study ago moment known result street " +
        "economic boy reason change position south board individual job areas society west close turn love community true " +
        "court force full model data server request token latency batch queue memory network answer stream load test";

    private readonly string[] _spaced;
    private readonly string[] _first;

    private FillerVocabulary(string[] spaced, string[] first)
    {
        _spaced = spaced;
        _first = first;
    }

    /// <summary>How many words there are to choose from after a space.</summary>
    public int Count => _spaced.Length;

    /// <summary>Keeps the candidates that are one token each for <paramref name="tokenizer"/>.</summary>
    public static FillerVocabulary For(LlmTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        string[] words = [.. Candidates.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];
        string[] spaced = [.. words.Where(w => tokenizer.CountTokens(" " + w) == 1)];
        string[] first = [.. words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]).Where(w => tokenizer.CountTokens(w) == 1)];
        if (spaced.Length < 100 || first.Length < 10 || tokenizer.CountTokens(".") != 1)
        {
            throw new InvalidOperationException($"The tokenizer {tokenizer.Name} splits too many ordinary words to build prompts of an exact length.");
        }

        return new FillerVocabulary(spaced, first);
    }

    /// <summary>A text of exactly <paramref name="tokens"/> tokens: sentences of 6 to 18 words, each ended by a full stop.</summary>
    public string Text(int tokens, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        ArgumentNullException.ThrowIfNull(random);
        var text = new System.Text.StringBuilder(tokens * 6);
        text.Append(_first[random.Next(_first.Length)]);
        int left = tokens - 1;
        int sentence = random.Next(6, 19) - 1;
        while (left > 0)
        {
            if (sentence == 0 && left > 1)
            {
                // A full stop (one token), then the next sentence's first word after a space.
                text.Append('.');
                left--;
                sentence = random.Next(6, 19);
                continue;
            }

            text.Append(' ').Append(_spaced[random.Next(_spaced.Length)]);
            left--;
            sentence--;
        }

        return text.ToString();
    }
}
