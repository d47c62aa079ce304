"""The test LMS's Assignment and Grade Services: line items and their scores (the gradebook).

  GET, POST /lineitems           the course's line items (?resource_link_id= filters); POST makes one
  GET /lineitems/{n}             one line item
  POST /lineitems/{n}/scores     a score: the latest per user and line item is kept
  GET /gradebook                 the gradebook as a page (line item, user, score)
  GET /test/scores               the same as JSON, with the number of score posts received
  POST /test/fail-scores         ?count=N&status=S&kind=status|huge|redirect: the next N score posts answer badly
  POST /test/claim               ?lineitem=URL&lineitems=URL&created=URL: what the next launches claim, and the
                                 id a new line item is answered with, instead of the true ones (a hostile LMS)

Every service route checks the Bearer token (lms.platform().validate_token) and its scope: 401, 403 otherwise."""
import html
from datetime import datetime

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from lti1p3platform.score import ActivityProgress, GradeProgress

LINEITEM = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem'
LINEITEM_READ = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly'
SCORE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score'
LINEITEM_TYPE = 'application/vnd.ims.lis.v2.lineitem+json'
SCORE_TYPE = 'application/vnd.ims.lis.v1.score+json'


def _refused(request, lms, scopes):
    """None when the request carries a valid token with one of the scopes, else the error answer."""
    auth = request.headers.get('authorization', '')
    if not auth.startswith('Bearer '):
        return JSONResponse({'error': 'no bearer token'}, status_code=401)
    try:
        allowed = lms.platform().validate_token(auth[7:], allowed_scopes=scopes)
    except Exception as exc:  # the library raises several kinds for a bad token
        return JSONResponse({'error': 'invalid token: %s' % str(exc)[:100]}, status_code=401)
    return None if allowed else JSONResponse({'error': 'scope not granted'}, status_code=403)


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


async def _body(request, content_type):
    if request.headers.get('content-type', '').split(';')[0].strip() != content_type:
        return None
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _score_problem(score):
    if not isinstance(score.get('userId'), str) or not _number(score.get('scoreGiven')):
        return 'userId or scoreGiven missing'
    if not _number(score.get('scoreMaximum')) or score['scoreMaximum'] <= 0:
        return 'scoreMaximum must be positive'
    if score.get('activityProgress') not in [p.value for p in ActivityProgress] or score.get(
            'gradingProgress') not in [p.value for p in GradeProgress]:
        return 'activityProgress or gradingProgress unknown'
    try:
        if datetime.fromisoformat(score['timestamp']).tzinfo is None:
            return 'timestamp without an offset'
    except (KeyError, TypeError, ValueError):
        return 'timestamp is not ISO 8601'
    return None


def _failure(lms):
    """The bad answer to give to this score post, if the tests asked for one."""
    with lms.lock:
        fail = lms.state.get('fail')
        if not fail or fail['count'] <= 0:
            return None
        fail['count'] -= 1
    if fail['kind'] == 'huge':
        return Response(b'{"x": "' + b'x' * (2 * 1024 * 1024) + b'"}', media_type='application/json')
    if fail['kind'] == 'redirect':
        return Response(status_code=307, headers={'location': lms.url('/stolen')})
    return JSONResponse({'error': 'failing as asked'}, status_code=fail['status'])


def add_lineitem(lms, item):
    """A new line item of the course (a dict as AGS defines it) -> its id (URL)."""
    with lms.lock:
        item = dict(item, id=lms.url('/lineitems/%d' % (len(lms.state['lineitems']) + 1)))
        lms.state['lineitems'][item['id']] = item
    return item['id']


def routes(app, lms):
    """Add the routes to the FastAPI app."""
    lms.state.update(lineitems={}, scores={}, score_posts=0, stolen=[], claim={})

    @app.get('/lineitems')
    def lineitems(request: Request, resource_link_id: str = ''):
        refused = _refused(request, lms, [LINEITEM, LINEITEM_READ])
        if refused:
            return refused
        with lms.lock:
            items = [i for i in lms.state['lineitems'].values()
                     if not resource_link_id or i.get('resourceLinkId') == resource_link_id]
        return JSONResponse(items, media_type='application/vnd.ims.lis.v2.lineitemcontainer+json')

    @app.post('/lineitems')
    async def new_lineitem(request: Request):
        refused = _refused(request, lms, [LINEITEM])
        if refused:
            return refused
        item = await _body(request, LINEITEM_TYPE)
        if item is None or not isinstance(item.get('label'), str) or not item['label'] or not _number(
                item.get('scoreMaximum')) or item['scoreMaximum'] <= 0:
            return JSONResponse({'error': 'a line item needs a label and a positive scoreMaximum'}, status_code=400)
        item['id'] = add_lineitem(lms, item)
        with lms.lock:
            named = lms.state['claim'].get('created')
        return JSONResponse(dict(item, id=named or item['id']), status_code=201, media_type=LINEITEM_TYPE)

    @app.get('/lineitems/{number}')
    def lineitem(request: Request, number: int):
        refused = _refused(request, lms, [LINEITEM, LINEITEM_READ])
        item = lms.state['lineitems'].get(lms.url('/lineitems/%d' % number))
        return refused or (JSONResponse(item, media_type=LINEITEM_TYPE) if item else Response(status_code=404))

    @app.post('/lineitems/{number}/scores')
    async def score(request: Request, number: int):
        refused = _refused(request, lms, [SCORE])
        if refused:
            return refused
        with lms.lock:
            lms.state['score_posts'] += 1
        failure = _failure(lms)
        if failure:
            return failure
        item_id = lms.url('/lineitems/%d' % number)
        if item_id not in lms.state['lineitems']:
            return JSONResponse({'error': 'no such line item'}, status_code=404)
        body = await _body(request, SCORE_TYPE)
        problem = 'not a JSON score (%s)' % SCORE_TYPE if body is None else _score_problem(body)
        if problem:
            return JSONResponse({'error': problem}, status_code=400)
        with lms.lock:
            lms.state['scores'][item_id, body['userId']] = body
        return Response(status_code=204)

    @app.post('/stolen')
    async def stolen(request: Request):
        lms.state['stolen'].append((await request.body()).decode(errors='replace'))
        return Response(status_code=204)

    @app.get('/gradebook')
    def gradebook():
        rows = ''.join('<tr><td>%s</td><td>%s</td><td>%g/%g</td></tr>' % (
            html.escape(lms.state['lineitems'][item]['label']), html.escape(user), s['scoreGiven'],
            s['scoreMaximum']) for (item, user), s in sorted(lms.state['scores'].items()))
        return HTMLResponse('<!doctype html><title>Gradebook</title><h1>Gradebook</h1><table id="gradebook"><tr>'
                            '<th>Line item</th><th>User</th><th>Score</th></tr>%s</table>' % rows)

    @app.get('/test/scores')
    def scores():
        return {'posts': lms.state['score_posts'], 'stolen': len(lms.state['stolen']),
                'lineitems': list(lms.state['lineitems'].values()),
                'scores': [dict(s, lineitem=item) for (item, _), s in sorted(lms.state['scores'].items())]}

    @app.post('/test/fail-scores')
    def fail_scores(count: int, status: int = 503, kind: str = 'status'):
        with lms.lock:
            lms.state['fail'] = {'count': count, 'status': status, 'kind': kind}
        return {'ok': True}

    @app.post('/test/claim')
    def claim(lineitem: str = '', lineitems: str = '', created: str = ''):
        lms.state['claim'] = {'lineitem': lineitem, 'lineitems': lineitems, 'created': created}
        return {'ok': True}


def claims(launch, preflight, lms):
    """The AGS claim: the course's line items, and the link's own line item once it has one."""
    link = preflight['lti_message_hint']
    with lms.lock:
        own = next((i['id'] for i in lms.state['lineitems'].values() if i.get('resourceLinkId') == link), None)
        claim = dict(lms.state['claim'])
    launch.set_ags(lineitems_url=claim.get('lineitems') or lms.url('/lineitems'),
                   lineitem_url=claim.get('lineitem') or own)
