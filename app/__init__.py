"""The service, grouped by the path a submission takes: grading/ (upload -> store -> queue -> claim -> save),
core/ (settings, SQL, storage, errors), reports/ (what graded rows show), then api/ (REST) and web/ (pages);
accounts/ and courses/ hold the rules about people and courses, http/ what api/ and web/ share, cli/ the
operator's commands. docs/howto-app.md: adding a REST route or a page."""
