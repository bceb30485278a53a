namespace AgentMail.Smtp.Protocol;

/// <summary>
/// The same line-ending and NUL rules as <see cref="DotUnstuffer"/>, for BDAT content (RFC 3030),
/// which arrives in counted chunks without end marker or stuffing: a CR must be followed by LF,
/// an LF preceded by CR. State carries across chunks.
/// </summary>
public struct LineEndingCheck
{
    private bool _afterCr;

    public bool BareLineEnding { get; private set; }
    public bool ContainsNul { get; private set; }

    public void Scan(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (_afterCr)
            {
                if (data[i] != '\n')
                    BareLineEnding = true;
                _afterCr = false;
                if (data[i] == '\n')
                {
                    i++;
                    continue;
                }
            }
            var next = data[i..].IndexOfAny((byte)'\r', (byte)'\n', (byte)0);
            if (next < 0)
                return;
            i += next;
            switch (data[i++])
            {
                case (byte)'\r':
                    _afterCr = true;
                    break;
                case (byte)'\n':
                    BareLineEnding = true;
                    break;
                default:
                    ContainsNul = true;
                    break;
            }
        }
    }

    /// <summary>Call after the last chunk: a message ending in a lone CR has a bare line ending.</summary>
    public void Complete()
    {
        if (_afterCr)
            BareLineEnding = true;
        _afterCr = false;
    }
}
