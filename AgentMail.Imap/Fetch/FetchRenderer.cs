using System.Globalization;
using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Imap.Storage;
using AgentMail.Mime;
using AgentMail.Mime.Encodings;
using AgentMail.Mime.Imap;

namespace AgentMail.Imap.Fetch;

/// <summary>
/// Writes the untagged FETCH responses of a batch of messages. Byte data comes from the stored
/// structure's offsets: each section resolves (AgentMail.Mime) to a range of the raw message;
/// small ranges of the whole batch are read in one query, large ones are streamed from the blob
/// into the connection when their turn comes.
/// </summary>
public sealed class FetchRenderer(ImapSession session, IReadOnlyList<FetchItem> items)
{
    /// <summary>Ranges up to this size are read with the batch; larger ones are streamed.</summary>
    private const int InlineLimit = 256 * 1024;

    /// <summary>At most this much is held in memory for one batch; the rest is streamed.</summary>
    private const long BatchBudget = 8 * 1024 * 1024;

    private readonly ResponseWriter _writer = session.Writer;
    private Stream? _output;

    public bool UnknownTransferEncoding { get; private set; }

    public FetchColumns Columns { get; } = ColumnsFor(items, session.Rev2);

    private static FetchColumns ColumnsFor(IReadOnlyList<FetchItem> items, bool rev2)
    {
        var columns = FetchColumns.None;
        foreach (var item in items)
        {
            columns |= item.Kind switch
            {
                FetchItemKind.Envelope => FetchColumns.Envelope,
                FetchItemKind.BodyStructure => rev2 ? FetchColumns.BodyStructure | FetchColumns.Structure : FetchColumns.BodyStructure,
                FetchItemKind.Body => FetchColumns.Body,
                FetchItemKind.Section or FetchItemKind.Binary => FetchColumns.Structure | FetchColumns.Prefix,
                FetchItemKind.BinarySize => FetchColumns.Structure,
                _ => FetchColumns.None,
            };
        }
        return columns;
    }

    /// <summary>What one item of one message needs.</summary>
    private struct Data
    {
        public SectionLocation Location;
        public int Slice;          // index into the batch's slices, or -1
        public long Offset;        // streamed range
        public long Length;
        public bool Streamed;
        public bool Skip;
        public long Number;        // BINARY.SIZE
        public MimePart? Part;     // BINARY: the leaf to decode
    }

    public async Task WriteAsync(List<FetchRow> rows, HashSet<uint>? flagsChanged, CancellationToken cancellationToken)
    {
        var view = session.Selected!.View;
        var slices = new List<SliceRequest>();
        var plans = new Data[rows.Count][];
        long budget = BatchBudget;
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            MessageStructure? structure = (Columns & FetchColumns.Structure) != 0 && row.Structure is not null ? MessageStructure.FromBytes(row.Structure) : null;
            var plan = plans[r] = new Data[items.Count];
            for (var i = 0; i < items.Count; i++)
                plan[i] = Plan(items[i], row, structure, slices, ref budget);
        }
        var data = await session.Services.Store.ReadSlicesAsync(slices, cancellationToken).ConfigureAwait(false);

        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var msn = view.MsnOf(row.Uid);
            if (msn == 0) continue;
            var addFlags = flagsChanged?.Contains(row.Uid) == true;
            var hasFlags = addFlags || items.Any(i => i.Kind == FetchItemKind.Flags);
            if (hasFlags) session.AnnounceKeywords(row.Keywords);

            _writer.Untagged();
            _writer.Number(msn);
            _writer.Raw(" FETCH ("u8);
            var first = true;
            for (var i = 0; i < items.Count; i++)
            {
                var plan = plans[r][i];
                if (plan.Skip) continue;
                if (!first) _writer.Space();
                first = false;
                await WriteItemAsync(items[i], row, plan, data, cancellationToken).ConfigureAwait(false);
            }
            if (addFlags && !items.Any(i => i.Kind == FetchItemKind.Flags))
            {
                if (!first) _writer.Space();
                first = false;
                _writer.Raw("FLAGS "u8);
                ImapFlags.Write(_writer, row.Flags, row.Keywords);
            }
            if (addFlags && session.CondStore && !items.Any(i => i.Kind == FetchItemKind.ModSeq))
            {
                if (!first) _writer.Space();
                WriteModSeq(row.ModSeq);
            }
            _writer.Raw(")\r\n"u8);
            if (_writer.ShouldFlush) await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Data Plan(FetchItem item, FetchRow row, MessageStructure? structure, List<SliceRequest> slices, ref long budget)
    {
        var data = new Data { Slice = -1 };
        if (item.Kind is not (FetchItemKind.Section or FetchItemKind.Binary or FetchItemKind.BinarySize)) return data;
        if (structure is null)
        {
            data.Skip = true;
            return data;
        }
        var location = structure.Resolve(item.Section!);
        data.Location = location;
        switch (item.Kind)
        {
            case FetchItemKind.BinarySize:
                data.Number = location.Kind == SectionLocationKind.Empty ? 0
                    : location.Part is { Kind: MimePartKind.Leaf } leaf ? leaf.BinarySize
                    : location.Length;
                return data;
            case FetchItemKind.Binary when location.Part is { Kind: MimePartKind.Leaf } leafPart:
                if (leafPart.TransferEncoding == TransferEncoding.Unknown)
                {
                    UnknownTransferEncoding = true;
                    data.Skip = true;
                    return data;
                }
                data.Part = leafPart;
                data.Slice = Add(slices, row, location.Offset, location.Length);
                return data;
        }
        switch (location.Kind)
        {
            case SectionLocationKind.HeaderFields:
                data.Slice = Add(slices, row, location.Offset, location.Length);
                return data;
            case SectionLocationKind.Slice:
                var (offset, length) = Clip(location.Offset, location.Length, item);
                if (length == 0) return data;
                if (length <= InlineLimit && length <= budget)
                {
                    budget -= length;
                    data.Slice = Add(slices, row, offset, (int)length);
                }
                else
                {
                    data.Streamed = true;
                    data.Offset = offset;
                    data.Length = length;
                }
                return data;
            default:
                return data;
        }
    }

    private static int Add(List<SliceRequest> slices, FetchRow row, long offset, long length)
    {
        slices.Add(new SliceRequest(row.Sha256, offset, (int)length, row.Prefix));
        return slices.Count - 1;
    }

    /// <summary>A partial fetch &lt;o.c&gt; applied to a range (RFC 9051 §6.4.5: past the end is empty).</summary>
    private static (long Offset, long Length) Clip(long offset, long length, FetchItem item)
    {
        if (item.PartialOffset is not { } o) return (offset, length);
        var start = Math.Min(o, length);
        var count = Math.Min(item.PartialLength!.Value, length - start);
        return (offset + start, count);
    }

    private static ReadOnlySpan<byte> ClipSpan(ReadOnlySpan<byte> bytes, FetchItem item)
    {
        if (item.PartialOffset is not { } o) return bytes;
        var start = (int)Math.Min(o, bytes.Length);
        var count = (int)Math.Min(item.PartialLength!.Value, bytes.Length - start);
        return bytes.Slice(start, count);
    }

    private async ValueTask WriteItemAsync(FetchItem item, FetchRow row, Data plan, byte[][] data, CancellationToken cancellationToken)
    {
        var w = _writer;
        switch (item.Kind)
        {
            case FetchItemKind.Uid:
                w.Raw("UID "u8);
                w.Number(row.Uid);
                break;
            case FetchItemKind.Flags:
                w.Raw("FLAGS "u8);
                ImapFlags.Write(w, row.Flags, row.Keywords);
                break;
            case FetchItemKind.InternalDate:
                w.Raw("INTERNALDATE \""u8);
                w.Ascii(ImapDates.FormatDateTime(row.InternalDate));
                w.Byte((byte)'"');
                break;
            case FetchItemKind.Rfc822Size:
                w.Raw("RFC822.SIZE "u8);
                w.Number(row.Size);
                break;
            case FetchItemKind.Envelope:
                w.Raw("ENVELOPE "u8);
                w.Raw(row.Envelope);
                break;
            case FetchItemKind.Body:
                w.Raw("BODY "u8);
                w.Raw(row.Body);
                break;
            case FetchItemKind.BodyStructure:
                w.Raw("BODYSTRUCTURE "u8);
                WriteBodyStructure(row);
                break;
            case FetchItemKind.ModSeq:
                WriteModSeq(row.ModSeq);
                break;
            case FetchItemKind.EmailId:
                w.Raw("EMAILID ("u8);
                w.Ascii(row.Id.ToString("D"));
                w.Byte((byte)')');
                break;
            case FetchItemKind.ThreadId:
                w.Raw("THREADID ("u8);
                w.Ascii(row.ThreadId.ToString("D"));
                w.Byte((byte)')');
                break;
            case FetchItemKind.BinarySize:
                w.Ascii(item.ResponseName);
                w.Space();
                w.Number(plan.Number);
                break;
            case FetchItemKind.Binary:
                w.Ascii(item.ResponseName);
                w.Space();
                await WriteBinaryAsync(item, row, plan, data, cancellationToken).ConfigureAwait(false);
                break;
            case FetchItemKind.Section:
                w.Ascii(item.ResponseName);
                w.Space();
                await WriteSectionAsync(item, row, plan, data, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private void WriteModSeq(long modSeq)
    {
        _writer.Raw("MODSEQ ("u8);
        _writer.Number(modSeq);
        _writer.Byte((byte)')');
    }

    /// <summary>The BODYSTRUCTURE stored at ingest (IMAP4rev1 grammar); re-rendered for an IMAP4rev2 session when it holds message/global.</summary>
    private void WriteBodyStructure(FetchRow row)
    {
        var stored = row.BodyStructure!;
        if (session.Rev2 && row.Structure is not null && ContainsIgnoreCase(stored, "\"GLOBAL\""u8))
        {
            var rendered = ImapFormatter.GetBodyStructure(MessageStructure.FromBytes(row.Structure), ImapDialect.Imap4rev2);
            _writer.Raw(rendered);
            return;
        }
        _writer.Raw(stored);
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(haystack.Slice(i, needle.Length), needle)) return true;
        }
        return false;
    }

    private async ValueTask WriteSectionAsync(FetchItem item, FetchRow row, Data plan, byte[][] data, CancellationToken cancellationToken)
    {
        var location = plan.Location;
        if (location.Kind == SectionLocationKind.Empty)
        {
            // No such part (BODY[2] of a single-part message, HEADER of a part that holds no
            // message): NIL, the nstring's "nothing there", as Gmail and Cyrus answer and clients
            // expect; an existing section that is empty, or a partial beyond its end, is "".
            _writer.Nil();
            return;
        }
        if (location.Kind == SectionLocationKind.HeaderFields)
        {
            var filtered = new ArrayBufferWriter<byte>(256);
            location.WriteFilteredHeader(data[plan.Slice], filtered);
            WriteLiteralOrEmpty(ClipSpan(filtered.WrittenSpan, item));
            return;
        }
        if (plan.Streamed)
        {
            await StreamAsync(row.Sha256, plan.Offset, plan.Length, cancellationToken).ConfigureAwait(false);
            return;
        }
        WriteLiteralOrEmpty(plan.Slice >= 0 ? data[plan.Slice] : []);
    }

    private async ValueTask WriteBinaryAsync(FetchItem item, FetchRow row, Data plan, byte[][] data, CancellationToken cancellationToken)
    {
        if (plan.Part is { } part)
        {
            var decoded = new ArrayBufferWriter<byte>((int)Math.Min(Math.Max(part.BinarySize, 16), int.MaxValue));
            TransferDecoding.DecodeBinarySection(data[plan.Slice], part, decoded);
            var bytes = ClipSpan(decoded.WrittenSpan, item);
            // RFC 3516 §4.3 / RFC 9051: literal8 when the content holds NUL, which a literal cannot.
            if (bytes.IndexOf((byte)0) >= 0)
            {
                _writer.LiteralHeader(bytes.Length, literal8: true);
                _writer.Raw(bytes);
            }
            else
            {
                WriteLiteralOrEmpty(bytes);
            }
            return;
        }
        await WriteSectionAsync(item, row, plan, data, cancellationToken).ConfigureAwait(false);
    }

    private void WriteLiteralOrEmpty(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) _writer.Raw("\"\""u8);
        else _writer.Literal(bytes);
    }

    /// <summary>A large range straight from the blob store into the connection, in 64 KB pieces.</summary>
    private async ValueTask StreamAsync(byte[] sha256, long offset, long length, CancellationToken cancellationToken)
    {
        _writer.LiteralHeader(length);
        _output ??= _writer.Output.AsStream(leaveOpen: true);
        var copied = await session.Services.Blobs.CopyRangeAsync(sha256, offset, length, _output, cancellationToken).ConfigureAwait(false);
        // A literal shorter than announced would desynchronize the client: end the connection instead.
        if (copied != length)
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"Blob {Convert.ToHexString(sha256)} returned {copied} of {length} announced bytes"));
    }
}
