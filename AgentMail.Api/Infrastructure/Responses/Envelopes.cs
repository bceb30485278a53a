namespace AgentMail.Api.Infrastructure.Responses;

// The envelopes as types, for the OpenAPI document only; responses are written by ApiResults.

/// <summary><c>{request_id, data}</c></summary>
public sealed record DataEnvelope<T>(string RequestId, T Data);

/// <summary><c>{request_id, data: [...], next_cursor}</c>: pass <c>next_cursor</c> as <c>page_token</c> for the next page.</summary>
public sealed record ListEnvelope<T>(string RequestId, IReadOnlyList<T> Data, string? NextCursor);

/// <summary><c>{request_id}</c>, the answer to a delete.</summary>
public sealed record RequestEnvelope(string RequestId);

/// <summary><c>{request_id, error: {type, message}}</c></summary>
public sealed record ErrorEnvelope(string RequestId, ErrorBody Error);

public sealed record ErrorBody(string Type, string Message);
