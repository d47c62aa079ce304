"""LMS roles (LTI 1.3 roles claim) to the grader's course roles: instructor or student, else none.

Context (membership) roles only: an institution or system role (a university's staff, the LMS's admins)
gives nothing in a course. Teaching assistants and content developers grade with the instructors."""
MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#'
INSTRUCTOR = {'Instructor', 'ContentDeveloper', 'Administrator', 'TeachingAssistant'}
STUDENT = {'Learner'}


def _membership_role(uri):
    """'Instructor' of '...membership#Instructor', of '...membership/Instructor#TeachingAssistant' (its
    sub-role), of the short form 'Instructor' (LTI 1.3 allows it for context roles); None for other vocabularies."""
    if uri.startswith(MEMBERSHIP):
        return uri[len(MEMBERSHIP):]
    if uri.startswith(MEMBERSHIP[:-1] + '/'):
        principal, _, sub = uri[len(MEMBERSHIP):].partition('#')
        return sub if sub == 'TeachingAssistant' else principal
    return uri if '/' not in uri and '#' not in uri else None


def course_role(roles):
    """'instructor', 'student' or None for the roles of one launch."""
    names = {_membership_role(r) for r in roles}
    if names & INSTRUCTOR:
        return 'instructor'
    if names & STUDENT:
        return 'student'
    return None
