package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"kafkastack/internal/status"
	"kafkastack/internal/topics"
)

// topicsData is the /topics page, with the create form's last values.
type topicsData struct {
	Topics   []status.Topic
	Defaults topics.Defaults
	Form     url.Values
}

func (s *Server) topicList(w http.ResponseWriter, r *http.Request) {
	s.renderTopics(w, r, http.StatusOK, "", url.Values{})
}

func (s *Server) renderTopics(w http.ResponseWriter, r *http.Request, code int, formErr string, form url.Values) {
	rep, err := s.gather(r, false)
	if err != nil {
		s.fail(w, http.StatusBadGateway, "Topics", err)
		return
	}
	p := page{Title: "Topics", Nav: "topics", Error: formErr, Data: topicsData{Topics: rep.Topics, Defaults: s.o.TopicDefaults, Form: form}}
	if n := r.URL.Query().Get("created"); n != "" {
		p.Notice = "Topic " + n + " created: every partition has a leader and a full ISR."
	}
	if n := r.URL.Query().Get("deleted"); n != "" {
		p.Notice = "Topic " + n + " deleted."
	}
	s.render(w, code, "topics", p)
}

// topicCreate creates a topic from the form, with topics:create's
// validation; a bad field shows the form again with one line.
func (s *Server) topicCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	name := strings.TrimSpace(f.Get("name"))
	spec, err := topics.NewSpec(name, f.Get("partitions"), f.Get("replication_factor"), s.o.TopicDefaults)
	if err != nil {
		s.renderTopics(w, r, http.StatusBadRequest, err.Error(), f)
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	outcome, err := topics.Create(ctx, s.o.Client, spec)
	if err != nil {
		s.renderTopics(w, r, http.StatusBadRequest, err.Error(), f)
		return
	}
	s.o.Log.Printf("topic %s %s through the console (%d partitions, replication factor %d)", name, outcome, spec.Partitions, spec.ReplicationFactor)
	http.Redirect(w, r, "/topics?created="+url.QueryEscape(name), http.StatusSeeOther)
}

// partitionRow is one partition on the topic page.
type partitionRow struct {
	Partition       int32
	Leader          int32
	Replicas, ISR   []int32
	UnderReplicated bool
	First, End      int64 // -1 when unknown
	Records         int64
	Err             string
}

// topicData is the /topics/{name} page.
type topicData struct {
	Detail     topics.Detail
	Partitions []partitionRow
	Configs    [][2]string
	Records    int64
}

func (s *Server) loadTopic(w http.ResponseWriter, r *http.Request) (topics.Detail, bool) {
	name := r.PathValue("name")
	ctx, cancel := s.ctx(r)
	defer cancel()
	d, err := topics.Describe(ctx, s.o.Admin, name)
	if err != nil {
		code := http.StatusBadGateway
		if strings.Contains(err.Error(), "does not exist") || topics.ValidateName(name) != nil {
			code = http.StatusNotFound
		}
		s.fail(w, code, "Topic "+name, err)
		return d, false
	}
	return d, true
}

func (s *Server) topic(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadTopic(w, r)
	if !ok {
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	data := topicData{Detail: d}
	starts, serr := s.o.Admin.ListStartOffsets(ctx, d.Name)
	ends, eerr := s.o.Admin.ListEndOffsets(ctx, d.Name)
	for _, p := range d.PartitionDetails {
		row := partitionRow{Partition: p.Partition, Leader: p.Leader, Replicas: p.Replicas, ISR: p.ISR,
			UnderReplicated: len(p.ISR) < len(p.Replicas), First: -1, End: -1}
		st, sok := starts.Lookup(d.Name, p.Partition)
		en, eok := ends.Lookup(d.Name, p.Partition)
		switch {
		case serr != nil:
			row.Err = serr.Error()
		case eerr != nil:
			row.Err = eerr.Error()
		case !sok || !eok:
			row.Err = "no offsets reported"
		case st.Err != nil:
			row.Err = st.Err.Error()
		case en.Err != nil:
			row.Err = en.Err.Error()
		default:
			row.First, row.End, row.Records = st.Offset, en.Offset, en.Offset-st.Offset
			data.Records += row.Records
		}
		row.Err = s.scrub(row.Err)
		data.Partitions = append(data.Partitions, row)
	}
	for _, k := range sortedKeys(d.Configs) {
		data.Configs = append(data.Configs, [2]string{k, d.Configs[k]})
	}
	s.render(w, http.StatusOK, "topic", page{Title: "Topic " + d.Name, Nav: "topics", Data: data})
}

func (s *Server) topicDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadTopic(w, r)
	if !ok {
		return
	}
	s.render(w, http.StatusOK, "confirm", page{Title: "Delete topic " + d.Name, Nav: "topics", Data: d})
}

// topicDelete deletes a topic once the confirmation form names it.
func (s *Server) topicDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if r.PostForm.Get("confirm") != name {
		s.fail(w, http.StatusBadRequest, "Delete topic "+name, errors.New("not deleted: confirm by typing the topic's name"))
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	if err := topics.Delete(ctx, s.o.Admin, name); err != nil {
		code := http.StatusBadGateway
		if strings.Contains(err.Error(), "does not exist") {
			code = http.StatusNotFound
		}
		s.fail(w, code, "Delete topic "+name, err)
		return
	}
	s.o.Log.Printf("topic %s deleted through the console", name)
	http.Redirect(w, r, "/topics?deleted="+url.QueryEscape(name), http.StatusSeeOther)
}
