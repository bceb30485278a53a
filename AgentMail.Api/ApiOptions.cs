using System.ComponentModel.DataAnnotations;

namespace AgentMail.Api;

/// <summary>
/// Configuration section <c>Api</c>. <c>Api:Keys</c> lists the API keys accepted as
/// <c>Authorization: Bearer &lt;key&gt;</c> (environment <c>Api__Keys__0</c>, <c>Api__Keys__1</c>, …;
/// several allow rotation without downtime). The AppHost passes its <c>api-key</c> parameter as
/// <c>Api__Keys__0</c>; the local launcher passes the development key kept in <c>.data/api-key</c>.
/// </summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    [MinLength(1, ErrorMessage = "Api:Keys must list at least one API key (environment Api__Keys__0).")]
    public string[] Keys { get; set; } = [];
}
