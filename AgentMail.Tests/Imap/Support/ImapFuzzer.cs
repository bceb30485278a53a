extern alias imap;

using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using imap::AgentMail.Imap.Commands;
using imap::AgentMail.Imap.Protocol;

namespace AgentMail.Tests.Imap.Support;

/// <summary>
/// Hostile IMAP input: valid commands (with literals of every kind) mutated byte- and token-wise,
/// spliced together, or replaced by noise. <see cref="Check"/> runs one input through the
/// server's own framer and parser exactly as a session does and holds them to their promises:
/// only <see cref="ImapSyntaxException"/> escapes the parser, the framer always makes progress
/// and ends when the input ends, and everything the framer answers on its own is a well-formed
/// response line. Shared by the suite's bounded run and the AgentMail.Fuzz "imap" target.
/// </summary>
public static class ImapFuzzer
{
    public static readonly FramerLimits Limits = new(MaxLineBytes: 1024, MaxCommandBytes: 16 * 1024, MaxAppendBytes: 4096);

    private static readonly string[] Seeds =
    [
        "a1 CAPABILITY", "a2 NOOP", "a3 LOGIN \"user@example.com\" \"secret\"", "a4 LOGIN {16}\r\nuser@example.com {6+}\r\nsecret",
        "a5 AUTHENTICATE PLAIN AHVzZXIAc2VjcmV0", "a6 ENABLE IMAP4rev2 CONDSTORE QRESYNC UTF8=ACCEPT", "a7 SELECT INBOX (CONDSTORE)",
        "a8 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))", "a9 EXAMINE \"Sent\"", "b1 CREATE \"Projects/2024 &ZeVnLIqe-\"",
        "b2 DELETE Projects", "b3 RENAME \"Old\" \"New/Sub\"", "b4 SUBSCRIBE Archive", "b5 UNSUBSCRIBE Archive",
        "b6 LIST (SUBSCRIBED REMOTE) \"\" (\"INBOX\" \"Sent*\") RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN SIZE))",
        "b7 LIST \"\" %", "b8 LSUB \"\" *", "b9 XLIST \"\" *", "c1 NAMESPACE", "c2 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE HIGHESTMODSEQ)",
        "c3 APPEND Drafts (\\Seen \\Draft) \"14-Jul-2024 02:44:25 -0700\" {42}\r\nFrom: a@b.c\r\nSubject: x\r\n\r\nHello there.\r\n",
        "c4 APPEND INBOX {12+}\r\nSubject: y\r\n", "c5 APPEND INBOX ~{5}\r\nab\0cd", "c6 IDLE", "DONE", "c7 CLOSE", "c8 UNSELECT", "c9 EXPUNGE",
        "d1 UID EXPUNGE 1:3,7", "d2 SEARCH CHARSET UTF-8 OR (FROM \"alice\" SUBJECT {4}\r\nmeet) NOT SEEN SINCE 1-Feb-2024 LARGER 1000",
        "d3 UID SEARCH RETURN (MIN MAX COUNT ALL SAVE) UNDELETED MODSEQ \"/flags/\\\\draft\" all 620162338",
        "d4 SEARCH $ ANSWERED BCC x BEFORE 1-Jan-2030 BODY y CC z DELETED DRAFT FLAGGED HEADER X-Y v KEYWORD $x NEW OLD ON 2-Mar-2024 RECENT " +
        "SENTBEFORE 1-Jan-2025 SENTON 1-Jan-2024 SENTSINCE 1-Jan-2000 SMALLER 9 TEXT t TO u UID 1:* UNANSWERED UNDRAFT UNFLAGGED UNKEYWORD $y UNSEEN 2,4:*",
        "d5 FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE UID MODSEQ EMAILID THREADID)",
        "d6 FETCH 2 (BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)] BODY[1.2.MIME] BODY[TEXT]<0.2048> BINARY.PEEK[1] BINARY.SIZE[1] RFC822.HEADER)",
        "d7 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)", "d8 FETCH $ FAST", "d9 FETCH * (BODY[]<100.10> RFC822 RFC822.TEXT FULL ALL)",
        "e1 STORE 1:3 +FLAGS.SILENT (\\Deleted $Label1)", "e2 UID STORE 4 (UNCHANGEDSINCE 320162338) -FLAGS (\\Seen)", "e3 STORE * FLAGS ()",
        "e4 COPY 1:2 Archive", "e5 UID MOVE 1:* \"Trash\"", "e6 UID COPY $ Junk", "e7 SORT (REVERSE ARRIVAL SUBJECT FROM) UTF-8 ALL",
        "e8 UID THREAD REFERENCES UTF-8 SINCE 1-Jan-2024", "e9 THREAD ORDEREDSUBJECT US-ASCII ALL", "f1 ID (\"name\" \"Thunderbird\" \"version\" NIL)",
        "f2 ID NIL", "f3 GETQUOTA \"\"", "f4 GETQUOTAROOT INBOX", "f5 CHECK", "f6 STARTTLS", "f7 LOGOUT", "f8 UID FETCH 1:4294967295 UID",
        "f9 SEARCH UID 4294967296", "g1 FETCH 0 FLAGS", "g2 SELECT &Jjo-!", "g3 CREATE \"a&\"", "g4 CREATE &ZeVnLIqe", "g5 STORE 1 FLAGS (\\Recent)",
    ];

    private static readonly string[] Tokens =
    [
        "(", ")", "((", "))", "\"", "\\", "\\\"", "[", "]", "<", ">", "{", "}", "{0}", "{1}", "{5}", "{3+}", "{0+}", "~{4}", "~{2+}",
        "{4294967296}", "{99999999999999999999}", "{-1}", "{1a}", "{70000+}", "*", "1:*", "*:1", "0", "0:0", "4294967295", "4294967296",
        "18446744073709551616", "1,,2", ",", ":", "$", " ", "  ", "\t", "\r", "\n", "\r\n", "\0", "NIL", "UID", "BODY[", "BODY[1.2.3.4.5.6.7.8.9]",
        "BODY[HEADER.FIELDS (", "<0.4294967296>", "&", "&-", "&AGE", "&Jjo", "&ZeVnLIqe-", "\u00e9", "\u20ac", "\ud83d\ude00", "%", "*%*",
        "CHARSET", "UTF-8", "KOI8-R", "OR", "NOT", "RETURN", "(CONDSTORE)", "(QRESYNC (", "DONE", "+FLAGS", "-FLAGS.SILENT", "\\Deleted",
        "a1 ", "* ", "+ ", "A LOGOUT\r\n", "X NOOP\r\n",
    ];

    /// <summary>One input: usually one to four mutated commands, sometimes noise.</summary>
    public static byte[] Generate(Random random)
    {
        var output = new List<byte>(256);
        var commands = random.Next(10) == 0 ? 0 : 1 + random.Next(4);
        for (var c = 0; c < commands; c++)
        {
            var command = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]).ToList();
            var mutations = random.Next(4);
            for (var m = 0; m < mutations; m++) Mutate(command, random);
            output.AddRange(command);
            if (random.Next(8) != 0) output.AddRange("\r\n"u8.ToArray());
        }
        if (commands == 0)
        {
            var length = random.Next(random.Next(10) == 0 ? 3000 : 200);
            for (var i = 0; i < length; i++)
            {
                output.Add(random.Next(3) == 0 ? (byte)" (){}\"\\\r\n*~+0123456789"[random.Next(22)] : (byte)random.Next(256));
            }
        }
        return [.. output];
    }

    private static void Mutate(List<byte> command, Random random)
    {
        var at = command.Count == 0 ? 0 : random.Next(command.Count + 1);
        switch (random.Next(7))
        {
            case 0: // insert a token
                command.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                break;
            case 1: // replace a byte
                if (at < command.Count) command[at] = (byte)random.Next(256);
                break;
            case 2: // delete a run
                if (at < command.Count) command.RemoveRange(at, Math.Min(command.Count - at, 1 + random.Next(8)));
                break;
            case 3: // truncate
                if (at < command.Count) command.RemoveRange(at, command.Count - at);
                break;
            case 4: // repeat a run (deep nesting, long lines)
                if (at < command.Count)
                {
                    var run = command.GetRange(at, Math.Min(command.Count - at, 1 + random.Next(4)));
                    var times = random.Next(10) == 0 ? 1500 : 1 + random.Next(20);
                    for (var i = 0; i < times; i++) command.InsertRange(at, run);
                }
                break;
            case 5: // a number that is too large, zero or negative
                command.InsertRange(at, Encoding.ASCII.GetBytes(random.Next(4) switch { 0 => "0", 1 => "-7", 2 => "4294967296", _ => "99999999999999999999999" }));
                break;
            default: // flip a bit
                if (at < command.Count) command[at] ^= (byte)(1 << random.Next(8));
                break;
        }
    }

    /// <summary>Runs the framer and the parser over <paramref name="input"/> as a session would; throws when a promise is broken.</summary>
    public static void Check(byte[] input)
    {
        var inbound = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        inbound.Writer.Write(input);
        inbound.Writer.Complete();
        var responses = new MemoryStream();
        var outbound = PipeWriter.Create(responses);
        var writer = new ResponseWriter(outbound);
        var framer = new CommandFramer(inbound.Reader, writer, Limits);

        var reads = 0;
        while (true)
        {
            // Every read consumes input, so the number of reads is bounded by the input's size.
            if (++reads > input.Length + 2) throw new InvalidOperationException($"The framer made no progress after {reads} reads");
            var frame = framer.ReadCommandAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (frame == FrameKind.Closed) break;
            if (frame != FrameKind.Command) throw new InvalidOperationException($"Unexpected frame {frame} from a completed input");
            var command = framer.Command;
            if (command.Length > Limits.MaxCommandBytes + Limits.MaxAppendBytes + 64)
                throw new InvalidOperationException($"A {command.Length}-byte command passed the limits");
            try
            {
                var parsed = CommandParser.Parse(command, out var tagLength);
                if (tagLength <= 0 || tagLength >= command.Length) throw new InvalidOperationException("Parsed a command without a tag");
                _ = parsed.Name;
            }
            catch (ImapSyntaxException e)
            {
                if (string.IsNullOrEmpty(e.Message) || e.Message.AsSpan().IndexOfAny('\r', '\n') >= 0)
                    throw new InvalidOperationException($"BAD text unfit for a response line: {e.Message}");
            }
            framer.ReleaseFastPath();
        }
        outbound.FlushAsync().AsTask().GetAwaiter().GetResult();
        CheckResponses(responses.ToArray());
    }

    /// <summary>What the framer answers on its own: continuation requests and tagged or untagged NO/BAD, each a CRLF-ended line.</summary>
    private static void CheckResponses(byte[] responses)
    {
        var text = Encoding.Latin1.GetString(responses);
        if (text.Length > 0 && !text.EndsWith("\r\n", StringComparison.Ordinal)) throw new InvalidOperationException("A response without CRLF");
        foreach (var line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Contains('\r') || line.Contains('\n')) throw new InvalidOperationException($"Bare CR or LF in a response: {line}");
            if (line.StartsWith("+ ", StringComparison.Ordinal)) continue;
            var space = line.IndexOf(' ');
            var status = space > 0 ? line[(space + 1)..] : "";
            if (space <= 0 || !(status.StartsWith("NO ", StringComparison.Ordinal) || status.StartsWith("BAD ", StringComparison.Ordinal)))
                throw new InvalidOperationException($"Not a continuation, NO or BAD: {line}");
        }
    }

    /// <summary>Whether a server line is a well-formed start of a response (RFC 9051 §7): untagged, continuation, or tag + status.</summary>
    public static bool IsResponseLine(string line, out string? tag, out string? status)
    {
        tag = status = null;
        if (line.StartsWith("* ", StringComparison.Ordinal) || line.StartsWith("+ ", StringComparison.Ordinal) || line == "+") return true;
        var space = line.IndexOf(' ');
        if (space <= 0) return false;
        tag = line[..space];
        var rest = line[(space + 1)..];
        foreach (var s in (string[])["OK", "NO", "BAD"])
        {
            if (rest.StartsWith(s + " ", StringComparison.Ordinal) || rest == s)
            {
                status = s;
                return true;
            }
        }
        return false;
    }
}
