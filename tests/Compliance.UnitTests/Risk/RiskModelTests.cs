using Compliance.Domain.Reference;
using Compliance.Domain.Risk;
using static Compliance.UnitTests.Risk.Evidence;

namespace Compliance.UnitTests.Risk;

public class RiskModelTests
{
    private static readonly SiteEvidence CleanSite = new()
    {
        ActiveWorkers = 250,

        // Reassuring records on a genuinely clean site: present, and still worth nothing.
        SignedZeroFeeDeclarations = 250,
        RecentAuditsWithZeroFindings = 1,
    };

    [Fact]
    public void Assess_CleanDirectRecruitmentSite_IsLowWithNoEvidence()
    {
        var assessment = RiskModel.Assess(CleanSite);

        Assert.Equal(0, assessment.Score);
        Assert.Equal(RiskLevel.Low, assessment.Level);
        Assert.Equal("low", assessment.LevelCode);
        Assert.Empty(assessment.Evidence);
        Assert.Empty(assessment.Discrepancies);
        Assert.Equal("fl-2026.1", assessment.ModelVersion);
    }

    [Fact]
    public void Assess_SeveralModerateIndicators_ScoreHigherTogetherThanAnyAlone()
    {
        SiteEvidence[] alone =
        [
            new() { ActiveWorkers = 200, PaidRecruitmentFees = 2 },
            new() { ActiveWorkers = 200, PassportHeldByOther = 2 },
            new() { ActiveWorkers = 200, GrievancesLast90Days = Grievances((GrievanceCategories.TooManyHours, 1)) },
            new() { ActiveWorkers = 200, OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL10"] = new(1, FindingSeverity.Minor) } },
        ];
        var together = new SiteEvidence
        {
            ActiveWorkers = 200,
            PaidRecruitmentFees = 2,
            PassportHeldByOther = 2,
            GrievancesLast90Days = alone[2].GrievancesLast90Days,
            OpenAuditFindings = alone[3].OpenAuditFindings,
        };

        var single = alone.Select(RiskModel.Assess).ToList();
        var combined = RiskModel.Assess(together);

        Assert.All(single, a => Assert.All(a.Evidence, e => Assert.Equal(Strength.Moderate, e.Strength)));
        Assert.All(single, a => Assert.True(combined.Score > a.Score, $"combined {combined.Score} vs alone {a.Score}"));
        Assert.True(combined.Level > single.Max(a => a.Level));
        Assert.Equal(single.SelectMany(a => a.Evidence.Select(e => e.RuleId)).Order(), combined.Evidence.Select(e => e.RuleId).Order());
    }

    public static TheoryData<string, SiteEvidence> OneStrongIndicator => new()
    {
        { "FL09.worker-paid-fees", new() { ActiveWorkers = 100, PaidRecruitmentFees = 10 } },
        { "FL07.passport-held-by-other", new() { ActiveWorkers = 100, PassportHeldByOther = 40 } },
        { "FL02.contract-substituted", new() { ActiveWorkers = 100, ContractSubstituted = 12 } },
        { "FL01.work-permit-expired", new() { ActiveWorkers = 100, WorkPermitExpired = 10 } },
        { "FL11.worker-grievances", new() { ActiveWorkers = 100, GrievancesLast90Days = Grievances((GrievanceCategories.TooManyHours, 3)) } },
        { "FL10.open-audit-finding", new() { ActiveWorkers = 100, OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL10"] = new(1, FindingSeverity.Critical) } } },
    };

    [Theory]
    [MemberData(nameof(OneStrongIndicator))]
    public void Assess_OneStrongIndicatorAlone_IsAtLeastHigh(string ruleId, SiteEvidence evidence)
    {
        var assessment = RiskModel.Assess(evidence);

        var item = Assert.Single(assessment.Evidence);
        Assert.Equal(ruleId, item.RuleId);
        Assert.Equal(Strength.Strong, item.Strength);
        Assert.True(item.Points < RiskLevels.MinScore(RiskLevel.High), "the floor, not the points, must be what lifts it");
        Assert.True(assessment.Level >= RiskLevel.High);
    }

    [Fact]
    public void Assess_SameIndicatorBelowStrongThreshold_StaysBelowHigh()
    {
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 100, PaidRecruitmentFees = 9 });

        Assert.Equal(Strength.Moderate, Assert.Single(assessment.Evidence).Strength);
        Assert.True(assessment.Level < RiskLevel.High);
    }

    public static TheoryData<string, SiteEvidence> HardTriggers => new()
    {
        { "CH01.under-age-at-hire", new() { ActiveWorkers = 1000, UnderAgeAtHire = 1 } },
        { "CH01.under-age-now", new() { ActiveWorkers = 1000, UnderAgeNow = 1 } },
        { "CH01.worker-grievances", new() { ActiveWorkers = 1000, GrievancesLast90Days = Grievances((GrievanceCategories.Under18, 1)) } },
        { "CH01.open-audit-finding", new() { ActiveWorkers = 1000, OpenAuditFindings = new Dictionary<string, AuditFindings> { ["CH01"] = new(1, FindingSeverity.Minor) } } },
        { "FL05.worker-grievances", new() { ActiveWorkers = 1000, GrievancesLast90Days = Grievances((GrievanceCategories.SexualPressure, 1)) } },
        { "FL05.open-audit-finding", new() { ActiveWorkers = 1000, OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL05"] = new(1, FindingSeverity.Minor) } } },
        { "FL03.worker-grievances", new() { ActiveWorkers = 1000, GrievancesLast90Days = Grievances((GrievanceCategories.CannotLeave, 1)) } },
        { "FL07.passport-return-refused", new() { ActiveWorkers = 1000, PassportReturnRefused = 1 } },
    };

    [Theory]
    [MemberData(nameof(HardTriggers))]
    public void Assess_HardTrigger_IsCriticalAtOnce(string ruleId, SiteEvidence evidence)
    {
        var assessment = RiskModel.Assess(evidence);

        Assert.Equal(RiskLevel.Critical, assessment.Level);
        Assert.Contains(assessment.Evidence, e => e.RuleId == ruleId && e.Floor == RiskLevel.Critical);
    }

    public static TheoryData<SiteEvidence> NotHardTriggers => new()
    {
        // Confinement from an audit is weighed, not a trigger: the trigger is the worker's own word.
        new() { ActiveWorkers = 1000, OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL03"] = new(1, FindingSeverity.Minor) } },

        // A passport held, without a refused return, is weighed, not a trigger.
        new() { ActiveWorkers = 1000, PassportHeldByOther = 1 },
    };

    [Theory]
    [MemberData(nameof(NotHardTriggers))]
    public void Assess_WeighedEvidenceThatIsNotATrigger_IsNotCritical(SiteEvidence evidence) =>
        Assert.NotEqual(RiskLevel.Critical, RiskModel.Assess(evidence).Level);

    public static TheoryData<string> Fixtures => ["clean", "moderate", "strong", "paula", "santi"];

    private static SiteEvidence Fixture(string name) => name switch
    {
        "clean" => CleanSite,
        "moderate" => new() { ActiveWorkers = 200, PaidRecruitmentFees = 2, GrievancesLast90Days = Grievances((GrievanceCategories.DocumentsHeld, 1)) },
        "strong" => new() { ActiveWorkers = 100, PassportHeldByOther = 60, PaidRecruitmentFees = 30 },
        "paula" => CaseStudies.Paula,
        "santi" => CaseStudies.Santi,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Assess_ConsentAndDeclarations_NeverLowerTheScore(string fixture)
    {
        var site = Fixture(fixture);
        var consented = site with
        {
            SignedZeroFeeDeclarations = site.ActiveWorkers,
            PassportSafekeepingWithConsent = site.PassportHeldByOther,
        };

        AssertNotLowered(site, consented);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Assess_ContradictionsWithdrawalsAndSilence_NeverLowerTheScore(string fixture)
    {
        var site = Fixture(fixture);
        var filed = site.GrievancesLast90Days.Values.Sum();
        var traumaResponses = site with
        {
            WithdrawnGrievances = filed,
            SilentGrievances = filed,
            ContradictoryGrievances = filed,
        };

        AssertNotLowered(site, traumaResponses);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Assess_IrregularMigrationStatus_NeitherRaisesNorLowers(string fixture)
    {
        var site = Fixture(fixture) with { WorkersWithIrregularStatus = 0 };
        var allIrregular = site with { WorkersWithIrregularStatus = Math.Max(1, site.ActiveWorkers) };

        var before = RiskModel.Assess(site);
        var after = RiskModel.Assess(allIrregular);

        Assert.Equal(before.Score, after.Score);
        Assert.Equal(before.Evidence, after.Evidence);
        Assert.Equal(before.Discrepancies, after.Discrepancies);
    }

    [Fact]
    public void Assess_NoPhysicalConfinement_DoesNotLowerDebtAndThreats()
    {
        // Coercion is mostly psychological (000:337, 004:2266): debt and threats with no locks at all.
        var coerced = new SiteEvidence
        {
            ActiveWorkers = 100,
            FeesFinancedByLoan = 30,
            GrievancesLast90Days = Grievances((GrievanceCategories.UnsafeScared, 4)),
        };
        var auditedNoLocks = coerced with { AuditsReportingNoConfinement = 3 };

        var assessment = RiskModel.Assess(auditedNoLocks);

        Assert.DoesNotContain(assessment.Evidence, e => e.Indicator == Indicators.RestrictionOfMovement);
        Assert.True(assessment.Level >= RiskLevel.High);
        AssertNotLowered(coerced, auditedNoLocks);
    }

    [Fact]
    public void Assess_NoConfinementAuditButWorkersSayTheyCannotLeave_StaysCriticalAndFlagsIt()
    {
        var site = new SiteEvidence
        {
            ActiveWorkers = 100,
            AuditsReportingNoConfinement = 2,
            GrievancesLast90Days = Grievances((GrievanceCategories.CannotLeave, 1)),
        };

        var assessment = RiskModel.Assess(site);

        Assert.Equal(RiskLevel.Critical, assessment.Level);
        Assert.Contains(assessment.Discrepancies, d => d.Code == Discrepancies.NoConfinementFindingVsWorkerReports);
    }

    [Fact]
    public void Assess_CleanAuditWhileWorkersReport_IsADiscrepancyPerReportedIndicator()
    {
        var site = new SiteEvidence
        {
            ActiveWorkers = 100,
            RecentAuditsWithZeroFindings = 1,
            GrievancesLast90Days = Grievances((GrievanceCategories.TooManyHours, 2), (GrievanceCategories.WagesUnpaid, 1)),
        };

        var discrepancies = RiskModel.Assess(site).Discrepancies;

        Assert.All(discrepancies, d => Assert.Equal(Discrepancies.CleanAuditVsWorkerReports, d.Code));
        Assert.Equal(["FL08", "FL11"], discrepancies.Select(d => d.Indicator));
    }

    [Fact]
    public void Assess_WorkerReportsMatchedByAnOpenFinding_IsNoDiscrepancyForThatIndicator()
    {
        var site = new SiteEvidence
        {
            ActiveWorkers = 100,
            RecentAuditsWithZeroFindings = 1,
            GrievancesLast90Days = Grievances((GrievanceCategories.TooManyHours, 2)),
            OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL11"] = new(1, FindingSeverity.Major) },
        };

        Assert.Empty(RiskModel.Assess(site).Discrepancies);
    }

    [Fact]
    public void Assess_ZeroFeeDeclarationsAlongsideFeeRecords_IsADiscrepancy()
    {
        var site = new SiteEvidence { ActiveWorkers = 50, SignedZeroFeeDeclarations = 50, PaidRecruitmentFees = 5 };

        var assessment = RiskModel.Assess(site);

        Assert.Contains(assessment.Discrepancies, d => d.Code == Discrepancies.ZeroFeeDeclarationVsFees && d.Indicator == "FL09");
        Assert.Equal(RiskModel.Assess(site with { SignedZeroFeeDeclarations = 0 }).Score, assessment.Score);
    }

    [Fact]
    public void Assess_SameInput_GivesSameOutputWhateverTheDictionaryOrder()
    {
        var santi = CaseStudies.Santi;
        var reordered = santi with
        {
            GrievancesLast90Days = santi.GrievancesLast90Days.Reverse().ToDictionary(),
            OpenCriticalGrievances = santi.OpenCriticalGrievances.Reverse().ToDictionary(),
        };

        var first = RiskModel.Assess(santi);
        var second = RiskModel.Assess(santi);
        var third = RiskModel.Assess(reordered);

        foreach (var other in new[] { second, third })
        {
            Assert.Equal(first.Score, other.Score);
            Assert.Equal(first.Level, other.Level);
            Assert.Equal(first.Evidence, other.Evidence);
            Assert.Equal(first.Discrepancies, other.Discrepancies);
        }

        Assert.Equal(RiskRules.All.Select(r => r.Id).Where(first.Evidence.Select(e => e.RuleId).Contains), first.Evidence.Select(e => e.RuleId));
    }

    [Fact]
    public void Assess_ManyReproducibleRandomSites_ScoreInRangeLevelMatchesBandAndReproducible()
    {
        var random = new Random(20260101);
        for (var i = 0; i < 500; i++)
        {
            var assessment = RiskModel.Assess(Evidence.Random(random));

            Assert.InRange(assessment.Score, 0, 100);
            Assert.Equal(RiskLevels.FromScore(assessment.Score), assessment.Level);
            Assert.Equal(Reproduce(assessment.Evidence), assessment.Score);
        }
    }

    [Fact]
    public void Assess_MoreEvidenceOfAnyKind_NeverLowersTheScore()
    {
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var site = Evidence.Random(random);
            var grown = Evidence.Grow(site, random);

            Assert.True(RiskModel.Assess(grown).Score >= RiskModel.Assess(site).Score, $"draw {i}");
        }
    }

    [Fact]
    public void Assess_NegativeCount_IsRejected() =>
        Assert.Throws<ArgumentException>(() => RiskModel.Assess(new SiteEvidence { ActiveWorkers = 10, PaidRecruitmentFees = -1 }));

    [Fact]
    public void Assess_UnknownIndicator_IsRejected() =>
        Assert.Throws<ArgumentException>(() => RiskModel.Assess(new SiteEvidence
        {
            GrievancesLast90Days = new Dictionary<string, int> { ["FL99"] = 1 },
        }));

    [Fact]
    public void Assess_CountsAboveTheRecordedWorkforce_CapTheShareAtOneHundredPercent()
    {
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 0, PaidRecruitmentFees = 3 });

        Assert.Equal(100m, Assert.Single(assessment.Evidence).Measured);
    }

    [Fact]
    public void Assess_OneWorkerAtAHugeSite_IsNeverShownAsZeroPercent()
    {
        var item = Assert.Single(RiskModel.Assess(new SiteEvidence { ActiveWorkers = 1_000_000, PaidRecruitmentFees = 1 }).Evidence);

        Assert.True(item.Measured > 0m);
        Assert.Equal(Strength.Moderate, item.Strength);
    }

    /// <summary>The auditor's procedure of docs/risk-model.md, applied to the evidence list alone.</summary>
    internal static int Reproduce(IReadOnlyList<RiskEvidence> evidence)
    {
        var points = evidence.Sum(e => e.Strength == Strength.Strong ? e.Weight : e.Weight / 2);
        var floor = evidence.Select(e => e.Floor).DefaultIfEmpty(RiskLevel.Low).Max();
        return Math.Max(Math.Min(100, points), RiskLevels.MinScore(floor));
    }

    private static void AssertNotLowered(SiteEvidence before, SiteEvidence after)
    {
        var a = RiskModel.Assess(before);
        var b = RiskModel.Assess(after);

        Assert.True(b.Score >= a.Score, $"score fell from {a.Score} to {b.Score}");
        Assert.True(b.Level >= a.Level);
        Assert.Equal(a.Evidence, b.Evidence);
    }
}
