namespace Compliance.Api.Features.Enforcement;

/// <summary>Where a fact came from: the record's table, id and the SHA-256 of its canonical JSON (<see cref="CanonicalJson.RecordHash"/>).</summary>
public sealed record SourceRef(string Table, string Id, string Sha256);

/// <summary>
/// One fact of a dossier. <paramref name="Subject"/> is the site id it is about (or <c>request</c> for what the team
/// wrote); every value is a string, so the canonical form never needs a floating-point number.
/// </summary>
public sealed record Fact(string Subject, string Label, string Value, IReadOnlyList<SourceRef> Sources);

/// <summary>One part of a dossier, named and cited as the receiving body's own rule or form names it.</summary>
public sealed record DossierSection(string Key, string Heading, string Citation, IReadOnlyList<Fact> Facts);

/// <summary>Something the dossier deliberately leaves out, and why.</summary>
public sealed record WithheldItem(string What, string Why);

/// <summary>
/// Consented testimony as the signed body carries it (<see cref="DossierTestimony"/>): from 5 consenting cases on, one
/// commitment per case (SHA-256 over a per-case salt and the narrative) in <paramref name="Commitments"/>; below 5,
/// none listed and one <paramref name="Aggregate"/> over them, so the employer-side team never sees a count below 5
/// (DNH-4). The words stay with the handling office, which exports them with their salts (and the aggregate's) from
/// <c>GET /api/v1/dossiers/{id}/testimony</c>; anyone can check a text against the signed body.
/// </summary>
public sealed record TestimonySection(string ConsentKind, string Included, IReadOnlyList<string> Commitments, string? Aggregate);

public sealed record DossierPeriod(string From, string To);

/// <summary>The signed body of a dossier. Holds no id or creation time of its own, so identical inputs give identical bytes.</summary>
public sealed record DossierBody(
    string Format,
    string Regime,
    string Title,
    string Authority,
    string Filing,
    DossierPeriod Period,
    IReadOnlyList<string> SiteIds,
    string RiskModelVersion,
    IReadOnlyList<DossierSection> Sections,
    TestimonySection Testimony,
    IReadOnlyList<WithheldItem> Withheld);
