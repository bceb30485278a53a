namespace AgentMail.Api.Infrastructure.Errors;

/// <summary>The <c>error.type</c> values we answer with, Nylas's names where Nylas has one.</summary>
public static class ApiErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Unauthorized = "unauthorized";
    public const string QuotaExceeded = "quota_exceeded_error";
    public const string NotFound = "not_found_error";
    public const string Conflict = "conflict";
    public const string PayloadTooLarge = "payload_too_large_error";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";

    /// <summary>Send: the same Idempotency-Key with a different request (409).</summary>
    public const string IdempotencyMismatch = "api.invalid_idempotent_request";

    /// <summary>Send: the same Idempotency-Key while the first request is still running (409).</summary>
    public const string IdempotencyInFlight = "api.concurrent_idempotent_request";

    /// <summary>Send: an Idempotency-Key that is empty or too long (400).</summary>
    public const string InvalidIdempotencyKey = "api.invalid_idempotency_key";
}
