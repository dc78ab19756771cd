package console

import (
	"errors"
	"net/http"

	"kafkastack/internal/groups"
)

func (s *Server) groupList(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	gs, err := groups.List(ctx, s.o.Admin)
	if err != nil {
		s.fail(w, http.StatusBadGateway, "Consumer groups", err)
		return
	}
	s.render(w, http.StatusOK, "groups", page{Title: "Consumer groups", Nav: "groups", Data: gs})
}

func (s *Server) group(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ctx, cancel := s.ctx(r)
	defer cancel()
	d, err := groups.Describe(ctx, s.o.Admin, id)
	if err != nil {
		code := http.StatusBadGateway
		if errors.Is(err, groups.ErrNoGroup) {
			code = http.StatusNotFound
		}
		s.fail(w, code, "Group "+id, err)
		return
	}
	s.render(w, http.StatusOK, "group", page{Title: "Group " + d.Name, Nav: "groups", Data: d})
}
