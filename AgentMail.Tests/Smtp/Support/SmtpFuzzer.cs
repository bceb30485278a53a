extern alias smtp;

using System.Buffers;
using System.Text;
using smtp::AgentMail.Smtp.Protocol;

namespace AgentMail.Tests.Smtp.Support;

/// <summary>
/// Fuzzing of the SMTP server's input side, shared by the test suite (a bounded run) and
/// <c>AgentMail.Fuzz smtp</c> (millions): command lines mutated from valid ones and random bytes,
/// and DATA streams. The promises checked:
/// <list type="bullet">
/// <item>the parser never throws and gives exactly a command or a reply, the same however the line is split into segments;</item>
/// <item>a parsed path is within RFC 5321's limits and survives a round trip through the wire form;</item>
/// <item>dot-stuffing a CRLF message and unstuffing it gives the message back exactly, in any chunking,
/// stopping right after the end-of-data indication;</item>
/// <item>any byte stream unstuffs without throwing, never to more octets than it had, and never past the size limit.</item>
/// </list>
/// Input layout: the first byte chooses the check (even: command line, odd: DATA stream).
/// </summary>
public static class SmtpFuzzer
{
    private static readonly string[] Seeds =
    [
        "EHLO client.example", "HELO [192.0.2.1]", "MAIL FROM:<a@example.com> SIZE=1000 BODY=8BITMIME", "MAIL FROM:<>",
        "MAIL FROM: <user.name+tag@sub.example.org> SMTPUTF8", "RCPT TO:<Postmaster>", "RCPT TO:<\"quoted \\\" local\"@example.com>",
        "RCPT TO:<@a.example,@b.example:user@c.example>", "RCPT TO:<jörg@bücher.example>", "RCPT TO:<a@[IPv6:2001:db8::1]>",
        "DATA", "BDAT 1000 LAST", "BDAT 0", "RSET", "NOOP anything", "QUIT", "VRFY user", "EXPN list", "HELP", "STARTTLS",
        "AUTH PLAIN AGFAYgBj", "AUTH LOGIN", "AUTH PLAIN =", "MAIL FROM:<a@b.c> AUTH=<>", "RCPT TO:<x@y.z> NOTIFY=NEVER",
    ];

    private const string DataAlphabet = "abc .\r\n\0\u00e9xyz";

    public static byte[] Generate(Random random)
    {
        if (random.Next(2) == 0)
        {
            var line = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]).ToList();
            var mutations = random.Next(0, 6);
            for (var i = 0; i < mutations; i++)
                Mutate(line, random);
            return [(byte)(random.Next(128) * 2), .. line];
        }
        var message = new List<byte>();
        var lines = random.Next(0, 20);
        for (var i = 0; i < lines; i++)
        {
            if (random.Next(4) == 0)
                message.Add((byte)'.');
            var length = random.Next(0, 40);
            for (var j = 0; j < length; j++)
                message.Add((byte)DataAlphabet[random.Next(DataAlphabet.Length)]);
            message.AddRange("\r\n"u8.ToArray());
        }
        return [(byte)(random.Next(128) * 2 + 1), .. message];
    }

    private static void Mutate(List<byte> line, Random random)
    {
        byte[] interesting = [(byte)'<', (byte)'>', (byte)'@', (byte)':', (byte)' ', (byte)'"', (byte)'\\', (byte)'.', (byte)'[', (byte)']', (byte)'=', 0, 0x80, 0xC3, 0xFF, (byte)'\r', (byte)'\n'];
        var at = line.Count == 0 ? 0 : random.Next(line.Count);
        switch (random.Next(5))
        {
            case 0 when line.Count > 0:
                line.RemoveAt(at);
                break;
            case 1:
                line.Insert(at, interesting[random.Next(interesting.Length)]);
                break;
            case 2 when line.Count > 0:
                line[at] = (byte)random.Next(256);
                break;
            case 3:
                line.InsertRange(at, Enumerable.Repeat((byte)"a.@<"[random.Next(4)], random.Next(1, 300)));
                break;
            default:
                if (line.Count > 0)
                    line.RemoveRange(at, line.Count - at);
                break;
        }
    }

    public static void Check(byte[] input, int chunkSeed)
    {
        if (input.Length == 0)
            return;
        var body = input.AsSpan(1).ToArray();
        if (input[0] % 2 == 0)
            CheckCommand(body, chunkSeed);
        else
            CheckData(body, chunkSeed);
    }

    private static void CheckCommand(byte[] line, int chunkSeed)
    {
        var whole = SmtpCommandParser.Parse(new ReadOnlySequence<byte>(line));
        if ((whole.Command is null) == (whole.Error is null))
            throw new InvalidOperationException("the parser must give a command or a reply, not both or neither");
        var split = SmtpCommandParser.Parse(Segmented(line, new Random(chunkSeed)));
        if (Describe(whole) != Describe(split))
            throw new InvalidOperationException($"segmented parse differs: {Describe(whole)} vs {Describe(split)}");
        if (whole.Error is { } error && (error.Code < 500 || error.Code > 555))
            throw new InvalidOperationException($"a syntax refusal must be a 5xx: {error}");

        if (whole.Command is { Path: { } path } command)
        {
            if (Encoding.UTF8.GetByteCount(path.Address) > SmtpCommandParser.MaxPath)
                throw new InvalidOperationException($"path longer than RFC 5321 allows: {path.Address.Length}");
            if (path.Address.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 || path.Address.Contains('<') && !path.Address.StartsWith('"'))
                throw new InvalidOperationException($"a path that could break a header or a reply: {path.Address}");
            var keyword = command.Verb == SmtpVerb.Mail ? "MAIL FROM:" : "RCPT TO:";
            var again = SmtpCommandParser.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($"{keyword}<{path.Address}>")));
            if (again.Command?.Path?.Address != path.Address)
                throw new InvalidOperationException($"path does not round-trip: {path.Address} -> {Describe(again)}");
        }
    }

    private static void CheckData(byte[] message, int chunkSeed)
    {
        // Any bytes followed by the end marker: no exception, output never longer than input.
        var raw = message.Concat("\r\n.\r\n"u8.ToArray()).ToArray();
        using (var output = new MessageBuffer(1 << 20))
        {
            var unstuffer = new DotUnstuffer();
            var end = unstuffer.Process(new ReadOnlySequence<byte>(raw), output);
            if (!unstuffer.Completed)
                throw new InvalidOperationException("the end-of-data indication was not found");
            if (output.TotalLength > raw.Length)
                throw new InvalidOperationException("unstuffing produced more octets than it read");
            _ = end;
        }

        // A CRLF-only message without NUL: stuffing then unstuffing is the identity, in any chunking.
        var clean = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(message).Replace("\r", "").Replace("\n", "\r\n").Replace("\0", ""));
        if (clean.Length > 0 && clean[^1] != '\n')
            clean = [.. clean, (byte)'\r', (byte)'\n'];
        var wire = Stuff(clean).Concat(".\r\nNEXT"u8.ToArray()).ToArray();
        var random = new Random(chunkSeed);
        using var unstuffed = new MessageBuffer(1 << 20);
        var state = new DotUnstuffer();
        var at = 0;
        while (!state.Completed && at < wire.Length)
        {
            var take = Math.Min(wire.Length - at, 1 + random.Next(16));
            at += state.Process(wire.AsSpan(at, take), unstuffed);
        }
        if (!state.Completed || !unstuffed.Memory.Span.SequenceEqual(clean) || state.BareLineEnding || state.ContainsNul)
            throw new InvalidOperationException("stuff/unstuff is not the identity for a CRLF message");
        if (Encoding.ASCII.GetString(wire, at, wire.Length - at) != "NEXT")
            throw new InvalidOperationException("unstuffing consumed past the end-of-data indication");

        // The size limit: a buffer never holds more than its limit, and says it overflowed.
        using var small = new MessageBuffer(16);
        var limited = new DotUnstuffer();
        limited.Process(new ReadOnlySequence<byte>(wire), small);
        if (small.Memory.Length > 16 || small.Overflowed != clean.Length > 16)
            throw new InvalidOperationException("the size limit was not kept");
    }

    /// <summary>RFC 5321 §4.5.2 transparency: a period added to every line that starts with one.</summary>
    public static byte[] Stuff(byte[] message)
    {
        var stuffed = new List<byte>(message.Length + 16);
        var lineStart = true;
        foreach (var b in message)
        {
            if (lineStart && b == '.')
                stuffed.Add((byte)'.');
            stuffed.Add(b);
            lineStart = b == '\n';
        }
        return [.. stuffed];
    }

    /// <summary>The same bytes as a sequence of several segments, split at random places.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, Random random)
    {
        if (bytes.Length < 2)
            return new ReadOnlySequence<byte>(bytes);
        var cuts = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(1, bytes.Length)).Distinct().Order().ToList();
        Segment? first = null, last = null;
        var start = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            var piece = bytes.AsMemory(start, cut - start);
            last = last is null ? first = new Segment(piece, 0) : last.Append(piece);
            start = cut;
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private static string Describe(SmtpParseResult result) => result.Command is { } c
        ? $"{c.Verb}|{c.Argument}|{c.Path?.Address}|{string.Join(',', c.Parameters)}|{c.InitialResponse}|{c.ChunkSize}|{c.Last}"
        : $"error {result.Error}";

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
