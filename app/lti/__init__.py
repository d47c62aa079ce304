"""LTI 1.3: an LMS (Canvas, Moodle, Blackboard, D2L) launches the grader (docs/lti.md).

tables      the registrations, the tool's keys, launches in flight, linked accounts, courses and links
registry    registering platforms, deployments and course links (python -m app.admin lti-*)
keys        the tool's own RSA key pairs: made, rotated, published as a JWKS
jwks        the platforms' public keys, fetched with a timeout and a size limit, cached
login       OIDC third-party login initiation: a state and a nonce, then off to the platform
claims      an id_token checked: signature, iss, aud, azp, exp, iat, nonce, deployment, message (pure)
roles       LMS roles to instructor / student
accounts    the account of a platform's user (platform, sub), its course membership
errors      LaunchRefused: the sentence shown on the refusal page
launch      a launch carried out: state consumed, token checked, account linked, course joined, assignment found
ags         line items found or made, scores posted (Assignment and Grade Services)
passback    a student's score sent to the gradebook of each LMS link of the assignment, recorded per link
"""
