using System.Buffers;
using System.Text;
using AgentMail.Mime;
using AgentMail.Mime.Imap;
using AgentMail.Mime.Summary;

namespace AgentMail.Tests.Mime.Support;

/// <summary>
/// Generates hostile MIME inputs (random bytes, MIME-token soup, and mutations of a corpus:
/// truncation, splicing, byte flips, duplicated boundaries, huge parameters, deep nesting,
/// line-ending swaps, NULs) and checks everything the library promises about any input:
/// no exception, valid IMAP grammar for BODYSTRUCTURE/BODY/ENVELOPE, consistent offsets,
/// identical results when streamed, a lossless stored form, and safe section resolution and
/// summaries. Shared by the test suite (bounded) and the fuzz command (millions of inputs).
/// </summary>
public sealed class MimeFuzzer
{
    private static readonly string[] Tokens =
    [
        "\r\n", "\n", "\r\n\r\n", "--", "--b", "--b--", "Content-Type: ", "multipart/mixed", "multipart/alternative", "multipart/digest",
        "message/rfc822", "message/global", "text/plain", "text/html", "; boundary=", "\"b\"", "b", "; charset=", "utf-8", "iso-2022-jp",
        "Content-Transfer-Encoding: ", "base64", "quoted-printable", "8bit", "Content-Disposition: attachment; filename*0*=utf-8''%E2%82",
        "; filename*1*=%AC", "From: ", "To: ", "Subject: ", "Date: ", "Message-ID: ", "=?utf-8?B?", "=?utf-8?Q?", "?=", "<a@b.c>", "a@b.c",
        "\"q\\\"s\"", "(c(o)m)", "g:", ";", ",", ":", " ", "\t", "=", "=3D", "=\r\n", "\0", "\u00ff", "\u00e9", "\u20ac", "A", "QUJD",
        "From x@y Mon Jan 1 00:00:00 2024\r\n", "\uFEFF",
    ];

    private readonly List<byte[]> _corpus;

    public MimeFuzzer(IEnumerable<byte[]> corpus)
    {
        _corpus = corpus.Where(c => c.Length > 0).ToList();
        _corpus.Add("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\ny\r\n--b--\r\n"u8.ToArray());
        _corpus.Add("From: a@b.c\r\nSubject: =?utf-8?q?x?=\r\n\r\nbody"u8.ToArray());
    }

    /// <summary>The MIME corpus of the test data directory, mbox files split.</summary>
    public static MimeFuzzer FromDirectory(string directory)
    {
        var corpus = new List<byte[]>();
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (!(name.EndsWith(".txt", StringComparison.Ordinal) || name.EndsWith(".eml", StringComparison.Ordinal))) continue;
                var bytes = File.ReadAllBytes(file);
                if (name.Contains(".mbox", StringComparison.Ordinal)) corpus.AddRange(MboxReader.Split(bytes));
                else corpus.Add(bytes);
            }
        }
        return new MimeFuzzer(corpus);
    }

    public int CorpusCount => _corpus.Count;

    public byte[] Generate(Random random)
    {
        switch (random.Next(20))
        {
            case 0:
                var noise = new byte[random.Next(0, 2048)];
                random.NextBytes(noise);
                return noise;
            case 1:
                return TokenSoup(random);
            case 2:
                return DeepNesting(random);
        }
        var data = new List<byte>(_corpus[random.Next(_corpus.Count)]);
        var mutations = random.Next(1, 6);
        for (var i = 0; i < mutations; i++) Mutate(data, random);
        return data.ToArray();
    }

    private byte[] TokenSoup(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(1, 200); i > 0; i--) text.Append(Tokens[random.Next(Tokens.Length)]);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] DeepNesting(Random random)
    {
        var text = new StringBuilder();
        var depth = random.Next(1, 300);
        for (var i = 0; i < depth; i++)
        {
            if (random.Next(3) == 0) text.Append("Content-Type: message/rfc822\r\n\r\n");
            else text.Append($"Content-Type: multipart/mixed; boundary=\"{(random.Next(4) == 0 ? "same" : "b" + i + "x")}\"\r\n\r\n--{(random.Next(4) == 0 ? "same" : "b" + i + "x")}\r\n");
        }
        text.Append("\r\nleaf\r\n");
        for (var i = depth - 1; i >= 0; i -= random.Next(1, 4)) text.Append($"--b{i}x--\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private void Mutate(List<byte> data, Random random)
    {
        var position = data.Count == 0 ? 0 : random.Next(data.Count + 1);
        switch (random.Next(11))
        {
            case 0: // truncate
                if (data.Count > 0) data.RemoveRange(position, data.Count - position);
                break;
            case 1: // splice a piece of another message
                var other = _corpus[random.Next(_corpus.Count)];
                var start = random.Next(other.Length);
                data.InsertRange(position, other.Skip(start).Take(random.Next(1, 2000)));
                break;
            case 2: // flip bytes
                for (var i = random.Next(1, 20); i > 0 && data.Count > 0; i--) data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 3: // random bytes
                var bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
                data.InsertRange(position, bytes);
                break;
            case 4: // delete a range
                if (data.Count > 0) data.RemoveRange(Math.Min(position, data.Count - 1), Math.Min(random.Next(1, 500), data.Count - Math.Min(position, data.Count - 1)));
                break;
            case 5: // duplicate a boundary-like line
                var text = Encoding.Latin1.GetString(data.ToArray());
                var dash = text.IndexOf("\n--", random.Next(Math.Max(1, text.Length)), StringComparison.Ordinal);
                if (dash < 0) dash = text.IndexOf("\n--", StringComparison.Ordinal);
                if (dash >= 0)
                {
                    var end = text.IndexOf('\n', dash + 1);
                    var line = text[(dash + 1)..(end < 0 ? text.Length : end + 1)];
                    var copies = string.Concat(Enumerable.Repeat(random.Next(2) == 0 ? line : line.TrimEnd('\r', '\n') + "--\r\n", random.Next(1, 4)));
                    data.InsertRange(Math.Min(LineStart(data, position), data.Count), Encoding.Latin1.GetBytes(copies));
                }
                break;
            case 6: // huge parameter
                var parameter = random.Next(3) switch
                {
                    0 => "; name=\"" + new string('n', random.Next(1000, 200_000)) + "\"",
                    1 => string.Concat(Enumerable.Range(0, random.Next(100, 3000)).Select(i => $"; p*{i}*=%41")),
                    _ => "; boundary=" + new string('-', random.Next(500, 20_000)),
                };
                var ct = IndexOf(data, "Content-Type:"u8);
                var at = ct < 0 ? 0 : IndexOf(data, "\n"u8, ct);
                data.InsertRange(at < 0 ? data.Count : Math.Max(0, at - 1), Encoding.ASCII.GetBytes(parameter));
                break;
            case 7: // wrap in nesting
                var wrapper = random.Next(2) == 0
                    ? "Content-Type: message/rfc822\r\n\r\n"
                    : "Content-Type: multipart/mixed; boundary=w\r\n\r\n--w\r\n";
                for (var i = random.Next(1, 80); i > 0; i--) data.InsertRange(0, Encoding.ASCII.GetBytes(wrapper));
                break;
            case 8: // swap line endings
                var swapped = Encoding.Latin1.GetString(data.ToArray());
                swapped = random.Next(2) == 0 ? swapped.Replace("\r\n", "\n") : swapped.Replace("\n", "\r\n");
                data.Clear();
                data.AddRange(Encoding.Latin1.GetBytes(swapped));
                break;
            case 9: // NULs and 8-bit bytes
                for (var i = random.Next(1, 10); i > 0; i--) data.Insert(random.Next(data.Count + 1), random.Next(2) == 0 ? (byte)0 : (byte)random.Next(128, 256));
                break;
            default: // MIME tokens
                data.InsertRange(position, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, random.Next(1, 20)).Select(_ => Tokens[random.Next(Tokens.Length)]))));
                break;
        }
    }

    private static int LineStart(List<byte> data, int position)
    {
        while (position > 0 && position <= data.Count && data[position - 1] != '\n') position--;
        return position;
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> needle, int from = 0)
    {
        for (var i = Math.Max(0, from); i + needle.Length <= data.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++) match = data[i + j] == needle[j];
            if (match) return i;
        }
        return -1;
    }

    /// <summary>Runs every check on one input; throws <see cref="FuzzFailure"/> when a promise is broken.</summary>
    public static void Check(byte[] input, int chunkSeed)
    {
        var structure = MimeParser.Parse(input);
        Require(structure.Size == input.Length, "size differs from the input length");

        var bodyStructure = ImapFormatter.GetBodyStructure(structure);
        Require(ImapGrammar.ValidateBody(bodyStructure), "BODYSTRUCTURE");
        Require(ImapGrammar.ValidateBody(ImapFormatter.GetBodyStructure(structure, ImapDialect.Imap4rev1), rev1: true), "BODYSTRUCTURE (IMAP4rev1)");
        Require(ImapGrammar.ValidateBody(ImapFormatter.GetBody(structure), extensible: false), "BODY");
        Require(ImapGrammar.ValidateEnvelope(ImapFormatter.GetEnvelope(structure.Envelope)), "ENVELOPE");

        CheckOffsets(structure);

        var stored = structure.ToBytes();
        var restored = MessageStructure.FromBytes(stored);
        Require(restored.ToBytes().AsSpan().SequenceEqual(stored), "stored form does not round-trip");
        Require(ImapFormatter.GetBodyStructure(restored).AsSpan().SequenceEqual(bodyStructure), "BODYSTRUCTURE differs after storage");

        var streamed = MimeParser.ParseAsync(new ChunkedStream(input, chunkSeed, 1 + chunkSeed % 300)).GetAwaiter().GetResult();
        Require(streamed.ToBytes().AsSpan().SequenceEqual(stored), "streamed parse differs from span parse");

        foreach (var part in structure.EnumerateParts())
        {
            if (part.Kind == MimePartKind.Leaf && part.Size < 200_000)
            {
                var body = input.AsSpan((int)part.BodyOffset, (int)part.Size);
                var decoded = AgentMail.Mime.Encodings.TransferDecoding.Decode(body, part.TransferEncoding);
                Require(decoded.Length == part.DecodedSize, "decoded size differs from decoding");
                var binary = AgentMail.Mime.Encodings.TransferDecoding.DecodeBinarySection(body, part, new ArrayBufferWriter<byte>());
                Require(binary == part.BinarySize, "BINARY.SIZE differs from BINARY");
            }
            if (part.PartNumber.Length == 0) continue;
            foreach (var suffix in new[] { "", ".MIME", ".HEADER", ".TEXT", ".HEADER.FIELDS (SUBJECT FROM)", ".HEADER.FIELDS.NOT (DATE)" })
                Resolve(structure, input, part.PartNumber + suffix);
        }
        foreach (var section in new[] { "", "HEADER", "TEXT", "HEADER.FIELDS (TO CC)", "HEADER.FIELDS.NOT (RECEIVED)", "99", "1.99.1" })
            Resolve(structure, input, section);

        var summary = MessageSummary.Create(input, structure);
        Require(summary.Snippet.Length <= MessageSummary.SnippetLength, "snippet too long");
        MessageBody.GetHtml(input, structure);
        MessageBody.GetText(input, structure);
    }

    private static void Resolve(MessageStructure structure, byte[] input, string text)
    {
        if (!BodySection.TryParse(text, out var section)) throw new FuzzFailure($"section '{text}' did not parse");
        var location = structure.Resolve(section);
        Require(location.Offset >= 0 && location.Length >= 0 && location.Offset + location.Length <= input.Length, $"section {text} out of range");
        location.WriteTo(input, new ArrayBufferWriter<byte>());
    }

    private static void CheckOffsets(MessageStructure structure)
    {
        void Walk(MimePart part, long start, long end)
        {
            Require(part.HeaderOffset >= start && part.HeaderOffset <= part.BodyOffset && part.BodyOffset <= part.EndOffset && part.EndOffset <= end,
                $"offsets of part '{part.PartNumber}' out of order");
            Require(part.Lines >= 0 && part.Lines <= part.Size + 1 && part.DecodedSize >= 0, $"counts of part '{part.PartNumber}'");
            var previous = part.BodyOffset;
            foreach (var child in part.Children)
            {
                Walk(child, previous, part.EndOffset);
                previous = child.EndOffset;
            }
            if (part.Message is { } message)
            {
                Require(message.Root.HeaderOffset == part.BodyOffset && message.Root.EndOffset == part.EndOffset, "encapsulated message bounds");
                Walk(message.Root, part.BodyOffset, part.EndOffset);
            }
        }
        Require(structure.Root.HeaderOffset == 0 && structure.Root.EndOffset == structure.Size, "root bounds");
        Walk(structure.Root, 0, structure.Size);
    }

    private static void Require(string? grammarError, string what)
    {
        if (grammarError is not null) throw new FuzzFailure($"{what} is not valid IMAP: {grammarError}");
    }

    private static void Require(bool condition, string what)
    {
        if (!condition) throw new FuzzFailure(what);
    }
}

/// <summary>A broken promise found by the fuzzer.</summary>
public sealed class FuzzFailure(string message) : Exception(message);
