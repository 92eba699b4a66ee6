using System.Globalization;
using System.Text;

namespace Stampede.Targets;

/// <summary>The server's output: every line to the log file, the last ones kept for error messages.</summary>
internal sealed partial class TargetProcess
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly StreamWriter _log;
    private readonly Task _pumps;
    private readonly Lock _outputGate = new();
    private readonly Queue<string> _tail = new();
    private bool _logClosed;

    /// <summary>Waits for the output pumps to reach the end of both pipes, but not for a process that holds them open.</summary>
    private async Task DrainAsync()
    {
        try
        {
            await _pumps.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The log keeps what arrived; the rest is lost with the group.
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                OnLine(line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe broke with the process.
        }
    }

    private void OnLine(string line)
    {
        lock (_outputGate)
        {
            WriteLogLine(line);
            _tail.Enqueue(line);
            while (_tail.Count > _options.OutputTailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    /// <summary>A line of Stampede's own in the server's log (what it did to the server, and when).</summary>
    private void LogNote(string line)
    {
        lock (_outputGate)
        {
            WriteLogLine(line);
        }
    }

    private void WriteLogLine(string line)
    {
        if (_logClosed)
        {
            return;
        }

        try
        {
            _log.WriteLine(line);
        }
        catch (IOException)
        {
            // A full disk loses log lines, not the run.
        }
    }

    private void CloseLog()
    {
        lock (_outputGate)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    private string DescribeTail()
    {
        lock (_outputGate)
        {
            if (_tail.Count == 0)
            {
                return $" It printed nothing (log: {_options.LogPath}).";
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $" Its last lines of output (full log: {_options.LogPath}):");
            foreach (string line in _tail)
            {
                text.Append(Environment.NewLine).Append("  ").Append(line);
            }

            return text.ToString();
        }
    }
}
