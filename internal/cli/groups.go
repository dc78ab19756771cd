package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/twmb/franz-go/pkg/kadm"

	"kafkastack/internal/groups"
)

// ListGroups prints every consumer group with its state, members and lag.
func ListGroups(ctx context.Context) error {
	return withAdmin(ctx, func(ctx context.Context, adm *kadm.Client) error {
		gs, err := groups.List(ctx, adm)
		if err != nil {
			return err
		}
		if len(gs) == 0 {
			fmt.Println("no consumer groups")
			return nil
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "GROUP\tSTATE\tMEMBERS\tTOPICS\tLAG")
		for _, g := range gs {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", g.Name, g.State, g.Members, strings.Join(g.Topics, ","), lagText(g))
		}
		return tw.Flush()
	})
}

func lagText(g groups.Summary) string {
	s := fmt.Sprint(g.TotalLag)
	if g.UnknownLag > 0 {
		s += fmt.Sprintf(" (+%d partitions unknown)", g.UnknownLag)
	}
	return s
}

// DescribeGroup prints a group's members and assignments, and per
// partition the committed offset, the end offset and the lag.
func DescribeGroup(ctx context.Context, group string) error {
	return withAdmin(ctx, func(ctx context.Context, adm *kadm.Client) error {
		d, err := groups.Describe(ctx, adm, group)
		if err != nil {
			return err
		}
		fmt.Printf("group %s: state %s, protocol %s, %d members, coordinator %d, lag %s\n",
			d.Name, d.State, orDash(d.Protocol), d.Members, d.Coordinator, lagText(d.Summary))
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		if len(d.MemberList) > 0 {
			fmt.Fprintln(tw, "MEMBER\tCLIENT\tHOST\tASSIGNED")
			for _, m := range d.MemberList {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.ID, m.ClientID, m.Host, strings.Join(m.Assigned, ","))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		fmt.Fprintln(tw, "TOPIC\tPARTITION\tCOMMITTED\tEND\tLAG")
		for _, p := range d.Partitions {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", p.Topic, p.Partition, offsetText(p.Committed), offsetText(p.End), offsetText(p.Lag))
		}
		return tw.Flush()
	})
}

// ResetGroup commits group's offsets on topic to earliest, latest, an
// offset or a timestamp, and prints each partition's move.
func ResetGroup(ctx context.Context, group, topic, to string) error {
	return withAdmin(ctx, func(ctx context.Context, adm *kadm.Client) error {
		rs, err := groups.ResetOffsets(ctx, adm, group, topic, to)
		if err != nil {
			return err
		}
		for _, r := range rs {
			fmt.Printf("group %s topic %s partition %d: offset %s -> %d\n", group, topic, r.Partition, offsetText(r.From), r.To)
		}
		fmt.Printf("group %s reset to %s on %d partitions of %s\n", group, to, len(rs), topic)
		return nil
	})
}

// DeleteGroup deletes a group and its committed offsets.
func DeleteGroup(ctx context.Context, group string) error {
	return withAdmin(ctx, func(ctx context.Context, adm *kadm.Client) error {
		if err := groups.Delete(ctx, adm, group); err != nil {
			return err
		}
		fmt.Printf("group %s deleted\n", group)
		return nil
	})
}

func offsetText(o int64) string {
	if o < 0 {
		return "-"
	}
	return fmt.Sprint(o)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
