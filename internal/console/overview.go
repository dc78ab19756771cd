package console

import (
	"net/http"

	"kafkastack/internal/cluster"
	"kafkastack/internal/status"
)

// overviewData is the / page: the status report and its sums.
type overviewData struct {
	*status.Report
	Partitions      int
	UnderReplicated int
	Offline         int
}

func (s *Server) gather(r *http.Request, withServices bool) (*status.Report, error) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	o := status.Options{Runtime: s.o.Runtime, Bootstrap: s.o.Bootstrap, Secrets: s.o.Secrets}
	var svcErr error
	if withServices && s.o.Services != nil {
		var svcs []cluster.ServiceState
		svcs, svcErr = s.o.Services(ctx)
		o.Services = svcs
	}
	rep, err := status.Gather(ctx, s.o.Admin, o)
	if err != nil {
		return nil, err
	}
	if svcErr != nil {
		rep.Warnings = append(rep.Warnings, s.scrub("services: "+svcErr.Error()))
	}
	return rep, nil
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	rep, err := s.gather(r, true)
	if err != nil {
		s.fail(w, http.StatusBadGateway, "Cluster", err)
		return
	}
	d := overviewData{Report: rep}
	for _, t := range rep.Topics {
		d.Partitions += t.Partitions
		d.UnderReplicated += t.UnderReplicated
		d.Offline += t.Offline
	}
	s.render(w, http.StatusOK, "overview", page{Title: "Cluster", Nav: "overview", Data: d})
}
