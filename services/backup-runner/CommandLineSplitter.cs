using System.Text;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// Splits a configured command (<c>Backup__PreCommand</c>) into argv the way a POSIX shell splits words: blanks
/// separate, 'single' and "double" quotes group, backslash escapes. Nothing else of a shell: no variables, globs,
/// pipes or redirections (write <c>sh -c '...'</c> for those). An unbalanced quote is a configuration error, not a
/// command that silently does something else.
/// </summary>
public static class CommandLineSplitter
{
    public static IReadOnlyList<string> Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"unbalanced ' at position {i + 1}");
                    }

                    word.Append(commandLine, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i = ReadDoubleQuoted(commandLine, i, word);
                    inWord = true;
                    break;
                case '\\':
                    if (i + 1 == commandLine.Length)
                    {
                        throw new FormatException("a trailing \\ escapes nothing");
                    }

                    word.Append(commandLine[++i]);
                    inWord = true;
                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static int ReadDoubleQuoted(string commandLine, int open, StringBuilder word)
    {
        for (var i = open + 1; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (c == '"')
            {
                return i;
            }

            // Inside double quotes a backslash escapes only these, as in sh.
            if (c == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\' or '$' or '`')
            {
                c = commandLine[++i];
            }

            word.Append(c);
        }

        throw new FormatException($"unbalanced \" at position {open + 1}");
    }
}
