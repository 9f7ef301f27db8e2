namespace Compliance.Domain.Reference;

/// <summary>
/// The ILO's 11 indicators of forced labour plus the child-labour code the product uses everywhere
/// (grievance categories, audit findings, risk evidence, reports). See BRIEF.md §3 and
/// <c>004_d70f00d99f94417e.txt:1441-1452</c>.
/// </summary>
public static class Indicators
{
    public const string AbuseOfVulnerability = "FL01";
    public const string Deception = "FL02";
    public const string RestrictionOfMovement = "FL03";
    public const string Isolation = "FL04";
    public const string PhysicalAndSexualViolence = "FL05";
    public const string IntimidationAndThreats = "FL06";
    public const string RetentionOfIdentityDocuments = "FL07";
    public const string WithholdingOfWages = "FL08";
    public const string DebtBondage = "FL09";
    public const string AbusiveWorkingAndLivingConditions = "FL10";
    public const string ExcessiveOvertime = "FL11";
    public const string ChildUnder18 = "CH01";

    /// <summary>Every code, in reporting order.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        AbuseOfVulnerability, Deception, RestrictionOfMovement, Isolation, PhysicalAndSexualViolence,
        IntimidationAndThreats, RetentionOfIdentityDocuments, WithholdingOfWages, DebtBondage,
        AbusiveWorkingAndLivingConditions, ExcessiveOvertime, ChildUnder18,
    ];

    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        [AbuseOfVulnerability] = "Abuse of vulnerability",
        [Deception] = "Deception",
        [RestrictionOfMovement] = "Restriction of movement",
        [Isolation] = "Isolation",
        [PhysicalAndSexualViolence] = "Physical and sexual violence",
        [IntimidationAndThreats] = "Intimidation and threats",
        [RetentionOfIdentityDocuments] = "Retention of identity documents",
        [WithholdingOfWages] = "Withholding of wages",
        [DebtBondage] = "Debt bondage",
        [AbusiveWorkingAndLivingConditions] = "Abusive working and living conditions",
        [ExcessiveOvertime] = "Excessive overtime",
        [ChildUnder18] = "Worker under 18",
    };

    public static bool IsValid(string? code) => code is not null && Names.ContainsKey(code);
}
