package points

import "github.com/marketplace-program/marketplace/internal/model"

// standing assembles the result once both replays are done.
func (c *computer) standing() Standing {
	s := Standing{
		Status:        c.status,
		Points:        c.points,
		GoodStanding:  c.good,
		StandingSince: c.standingSince,
		TierHistory:   c.history,
		Awards:        c.awards,
		AppliedOn:     c.applied,
		AcceptedOn:    c.accepted,
		CertifiedOn:   c.certified,
		DeclinedOn:    c.declined,
		WithdrawnOn:   c.withdrawn,
	}
	if c.accepted != nil && c.rules.CertificationWindowMonths > 0 {
		deadline := c.accepted.AddDate(0, c.rules.CertificationWindowMonths, 0)
		s.CertificationDeadline = &deadline
		if c.status == model.StatusCandidate && c.asOf.After(deadline) {
			s.Overdue = true
			e := c.acceptedEvent
			c.diags.Warnf(field(e.Fields, "date", e.Pos), "points.overdue", "record the certified event, or withdrawn",
				"candidate accepted on %s is past its certification deadline %s (%d months)",
				day(*c.accepted), day(deadline), c.rules.CertificationWindowMonths)
		}
	}
	switch c.status {
	case model.StatusCandidate:
		s.MonthlyCreditUSD = c.rules.CandidateCreditUSD
	case model.StatusCertified:
		if t := c.rules.TierFor(c.points); t != nil {
			s.Tier = t.ID
			s.MonthlyCreditUSD = t.MonthlyCreditUSD
			if next := c.rules.NextTier(t); next != nil {
				s.NextTier, s.PointsToNextTier = next.ID, next.MinPoints-c.points
			}
		}
		s.NextAnniversary = c.anniversaryAfter(c.asOf)
		if c.nonRenewal != nil {
			s.EndsOn = c.anniversaryAfter(*c.nonRenewal)
		}
	}
	if !c.good {
		s.MonthlyCreditUSD = 0
	}
	return s
}
