using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Reporting;

/// <summary>One OData request by an auditor key: which key, when, the path and the query string. Append-only.</summary>
public sealed class ODataRequestLog : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid ApiKeyId { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public required string Path { get; set; }

    public required string Query { get; set; }
}

internal sealed class ODataRequestLogConfiguration : IEntityTypeConfiguration<ODataRequestLog>
{
    public void Configure(EntityTypeBuilder<ODataRequestLog> builder) => builder.ToTable("odata_request_log");
}
