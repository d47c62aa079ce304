"""deploy/k8s/ validated offline: every manifest against the Kubernetes JSON schemas bundled by kubernetes-validate
(strict: unknown fields refused), KEDA's ScaledObjects against keda-scaledobject.schema.json (jsonschema), and
what the deployment promises: the workers hold exactly docker-compose.yml's sandbox capabilities and nothing
privileged, everything else drops every capability, the API's probes, no hostPath or shared volume, one
sweeper, KEDA watching the configured broker's queues, the images the Dockerfiles build. Each check returns its
problems, so the mutation tests can show it finds a broken manifest."""
import copy
import glob
import json
import os
import re
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate
import pytest
import yaml

from app.core.config import Settings
from tests.helpers.paths import ROOT

K8S = os.path.join(ROOT, 'deploy', 'k8s')
K8S_VERSION = '1.33.0'        # appArmorProfile (1.30), procMount Unmasked with hostUsers false (1.33)
HERE = os.path.dirname(os.path.abspath(__file__))
WORKERS = ('autograder-worker-cpu', 'autograder-worker-gpu')
NO_PRIVILEGE = ('autograder-api', 'autograder-sweeper', 'autograder-migrate')
SAFE_VOLUMES = {'emptyDir', 'configMap', 'secret', 'projected', 'downwardAPI'}


def load_yaml(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def manifests():
    """(file name, object) for every object of every file in deploy/k8s/ but the kustomization."""
    return [(os.path.basename(path), doc) for path in sorted(glob.glob(os.path.join(K8S, '*.yaml')))
            if not path.endswith('kustomization.yaml') for doc in load_yaml(path)]


def by_name(docs=None):
    return {(d['kind'], d['metadata']['name']): d for _, d in (docs or manifests())}


def pod_spec(obj):
    spec = obj['spec']
    return spec['template']['spec'] if 'template' in spec else spec


def workloads(docs):
    return {name: obj for (kind, name), obj in docs.items() if kind in ('Deployment', 'Job')}


def compose():
    return load_yaml(os.path.join(ROOT, 'docker-compose.yml'))[0]


def compose_caps():
    return set(compose()['x-sandbox-host']['cap_add'])


def schema_problems(obj):
    if obj['apiVersion'].startswith('keda.sh/'):
        with open(os.path.join(HERE, 'keda-scaledobject.schema.json')) as f:
            schema = json.load(f)
        errors = ['%s: %s' % (list(e.absolute_path), e.message)
                  for e in jsonschema.Draft202012Validator(schema).iter_errors(obj)]
        behavior = obj['spec'].get('advanced', {}).get('horizontalPodAutoscalerConfig', {}).get('behavior')
        if behavior is not None:          # KEDA hands it to the HPA it makes: check it as that HPA's
            hpa = {'apiVersion': 'autoscaling/v2', 'kind': 'HorizontalPodAutoscaler', 'metadata': {'name': 'x'},
                   'spec': {'scaleTargetRef': {'kind': 'Deployment', 'name': 'x'}, 'maxReplicas': 1,
                            'behavior': behavior}}
            errors += schema_problems(hpa)
        return errors
    try:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
    except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as e:
        return [str(e)]
    return []


def worker_problems(obj):
    """The compose workers' privileges exactly, expressed in securityContext; nothing privileged."""
    spec, problems = pod_spec(obj), []
    for key in ('hostPID', 'hostIPC', 'hostNetwork'):
        if spec.get(key):
            problems.append('%s set' % key)
    for c in spec['containers'] + spec.get('initContainers', []):
        sc = c.get('securityContext', {})
        caps = sc.get('capabilities', {})
        if caps.get('drop') != ['ALL']:
            problems.append('%s: drop is %s, not [ALL]' % (c['name'], caps.get('drop')))
        if set(caps.get('add', [])) != compose_caps() or len(caps.get('add', [])) != len(compose_caps()):
            problems.append('%s: adds %s, compose %s' % (c['name'], caps.get('add'), sorted(compose_caps())))
        if any(a.startswith('CAP_') for a in caps.get('add', [])):
            problems.append('%s: CAP_ prefix (the API server refuses CAP_SYS_ADMIN without escalation)' % c['name'])
        if sc.get('privileged') is not False:
            problems.append('%s: privileged is %r' % (c['name'], sc.get('privileged')))
        if sc.get('allowPrivilegeEscalation') is not False:
            problems.append('%s: allowPrivilegeEscalation is not false (no-new-privileges)' % c['name'])
        if sc.get('appArmorProfile') != {'type': 'Unconfined'}:
            problems.append('%s: appArmorProfile %s' % (c['name'], sc.get('appArmorProfile')))
        if sc.get('seccompProfile', {}).get('type') != 'RuntimeDefault':
            problems.append('%s: not the runtime default seccomp profile' % c['name'])
        if c.get('command') != ['/usr/local/bin/worker-entrypoint.sh']:
            problems.append('%s: not started through the cgroup-delegating entrypoint' % c['name'])
    return problems


def unprivileged_problems(obj):
    """The API, the sweeper, the migrations: non-root, every capability dropped, no escalation."""
    spec, problems = pod_spec(obj), []
    for c in spec['containers'] + spec.get('initContainers', []):
        sc = c.get('securityContext', {})
        if sc.get('capabilities') != {'drop': ['ALL']}:
            problems.append('%s: capabilities %s' % (c['name'], sc.get('capabilities')))
        if sc.get('allowPrivilegeEscalation') is not False or sc.get('privileged'):
            problems.append('%s: may escalate' % c['name'])
        if not sc.get('runAsNonRoot', spec.get('securityContext', {}).get('runAsNonRoot')):
            problems.append('%s: may run as root' % c['name'])
        if sc.get('readOnlyRootFilesystem') is not True:
            problems.append('%s: writable root filesystem' % c['name'])
    return problems


def volume_problems(obj):
    """No hostPath, no claim (a shared uploads volume), nothing mounted at an uploads path but per-pod scratch."""
    spec, problems = pod_spec(obj), []
    for v in spec.get('volumes', []):
        kinds = set(v) - {'name'}
        if not kinds <= SAFE_VOLUMES:
            problems.append('volume %s is %s' % (v['name'], sorted(kinds)))
        if 'uploads' in v['name']:
            problems.append('a volume named %s' % v['name'])
    return problems


def resource_problems(obj):
    return ['%s: no %s' % (c['name'], part) for c in pod_spec(obj)['containers'] for part in ('requests', 'limits')
            if not c.get('resources', {}).get(part, {}).get('memory')]


def image(obj):
    (name,) = {c['image'] for c in pod_spec(obj)['containers']}
    return name


def test_every_manifest_parses_and_validates():
    found = manifests()
    assert {f for f, _ in found} == {'namespace.yaml', 'config.yaml', 'migrate.yaml', 'api.yaml', 'worker-cpu.yaml',
                                     'worker-gpu.yaml', 'sweeper.yaml', 'keda.yaml'}
    for name, obj in found:
        assert schema_problems(obj) == [], (name, obj['kind'], obj['metadata']['name'])


def test_the_kustomization_lists_every_file_and_sets_the_namespace():
    (kust,) = load_yaml(os.path.join(K8S, 'kustomization.yaml'))
    assert set(kust['resources']) == {f for f, _ in manifests()}
    assert kust['namespace'] == 'autograder'
    assert {i['name'] for i in kust['images']} == {image(o) for o in workloads(by_name()).values()}
    for _, obj in manifests():
        assert obj['kind'] == 'Namespace' or obj['metadata']['namespace'] == 'autograder', obj['metadata']


def test_the_workers_hold_exactly_the_compose_capabilities_and_nothing_privileged():
    docs = by_name()
    assert compose_caps() == {'SYS_ADMIN', 'SETUID', 'SETGID', 'KILL', 'CHOWN', 'DAC_OVERRIDE', 'SYS_NICE'}
    for name in WORKERS:
        assert worker_problems(docs['Deployment', name]) == [], name
    # only the GPU worker unmasks /proc (compose: systempaths=unconfined), in a user namespace of its own
    gpu = pod_spec(docs['Deployment', 'autograder-worker-gpu'])
    assert gpu['containers'][0]['securityContext']['procMount'] == 'Unmasked' and gpu['hostUsers'] is False
    assert 'procMount' not in pod_spec(docs['Deployment', 'autograder-worker-cpu'])['containers'][0]['securityContext']


def test_everything_else_drops_every_capability():
    docs = workloads(by_name())
    assert set(docs) == set(WORKERS) | set(NO_PRIVILEGE)
    for name in NO_PRIVILEGE:
        assert unprivileged_problems(docs[name]) == [], name


def test_no_host_path_no_shared_volume_and_limits_everywhere():
    for name, obj in workloads(by_name()).items():
        assert volume_problems(obj) == [], name
        assert resource_problems(obj) == [], name


def test_the_api_probes_and_replicas():
    api = by_name()['Deployment', 'autograder-api']
    (c,) = pod_spec(api)['containers']
    assert api['spec']['replicas'] >= 2
    assert c['readinessProbe']['httpGet']['path'] == '/readyz'
    assert c['livenessProbe']['httpGet']['path'] == '/healthz'
    ports = {p['name']: p['containerPort'] for p in c['ports']}
    assert ports[c['readinessProbe']['httpGet']['port']] == ports[c['livenessProbe']['httpGet']['port']] == 8000
    service = by_name()['Service', 'autograder-api']
    assert service['spec']['selector'] == api['spec']['selector']['matchLabels']


def test_one_sweeper_recreated_never_scaled():
    docs = by_name()
    sweeper = docs['Deployment', 'autograder-sweeper']
    assert sweeper['spec']['replicas'] == 1 and sweeper['spec']['strategy'] == {'type': 'Recreate'}
    assert pod_spec(sweeper)['containers'][0]['command'] == ['python', '-m', 'worker.sweeper']
    assert all(o['spec']['scaleTargetRef']['name'] != 'autograder-sweeper'
               for (kind, _), o in docs.items() if kind == 'ScaledObject')
    migrate = docs['Job', 'autograder-migrate']
    assert pod_spec(migrate)['containers'][0]['command'] == ['python', '-m', 'app.migrate']


def test_keda_watches_the_configured_brokers_queues():
    docs = by_name()
    broker = urlsplit(docs['ConfigMap', 'autograder-config']['data']['AG_BROKER_URL'])
    assert broker.scheme == 'redis'
    for name, queue in (('autograder-worker-cpu', 'cpu'), ('autograder-worker-gpu', 'gpu')):
        scaled = docs['ScaledObject', name]
        assert scaled['spec']['scaleTargetRef'] == {'name': name}
        (trigger,) = scaled['spec']['triggers']
        assert trigger['type'] == 'redis'
        meta = trigger['metadata']
        assert meta['listName'] == queue
        assert meta['address'] == '%s:%d' % (broker.hostname, broker.port or 6379)
        assert meta['databaseIndex'] == (broker.path.strip('/') or '0')
        # the worker consumes that queue (and only it, so the backlog is its own)
        args = pod_spec(docs['Deployment', name])['containers'][0]['args']
        assert args[args.index('-Q') + 1] == queue


def test_busy_workers_get_the_longest_grading_to_finish():
    docs = by_name()
    deadline = int(docs['ConfigMap', 'autograder-config']['data']['AG_GRADING_DEADLINE_S'])
    for name in WORKERS:
        assert pod_spec(docs['Deployment', name])['terminationGracePeriodSeconds'] >= deadline, name
    gpu = pod_spec(docs['Deployment', 'autograder-worker-gpu'])
    assert gpu['containers'][0]['resources']['limits']['nvidia.com/gpu'] == 1
    assert gpu['nodeSelector'] and any(t['key'] == 'nvidia.com/gpu' for t in gpu['tolerations'])


def test_settings_are_real_and_secrets_only_referenced():
    docs = by_name()
    known = {'AG_' + f.upper() for f in Settings.model_fields} | {'AG_STORAGE'}   # AG_STORAGE: the storage work
    config = docs['ConfigMap', 'autograder-config']['data']
    assert set(config) <= known, set(config) - known
    assert not {'AG_DATABASE_URL', 'AG_SECRET_KEY'} & set(config)
    assert not any(kind == 'Secret' for kind, _ in docs)
    for name, obj in workloads(docs).items():
        for c in pod_spec(obj)['containers']:
            refs = [list(e.values())[0]['name'] for e in c['envFrom']]
            assert refs == ['autograder-config', 'autograder-secrets'], name
            assert {e['name'] for e in c.get('env', [])} <= known


def test_images_are_the_ones_the_dockerfiles_build():
    services = compose()['services']
    built = {s['image']: (s['build'] if isinstance(s['build'], str) else s['build'].get('dockerfile', 'Dockerfile'))
             for s in services.values() if 'build' in s}
    built = {img: 'Dockerfile' if df == '.' else df for img, df in built.items()}
    assert built == {'autograder-web': 'Dockerfile.web', 'autograder-worker': 'Dockerfile',
                     'autograder-worker-gpu': 'Dockerfile.gpu'}
    for img, dockerfile in built.items():
        with open(os.path.join(ROOT, dockerfile)) as f:
            assert f.readline().startswith('# image: %s.' % img), dockerfile
    expected = {'autograder-api': 'autograder-web', 'autograder-sweeper': 'autograder-web',
                'autograder-migrate': 'autograder-web', 'autograder-worker-cpu': 'autograder-worker',
                'autograder-worker-gpu': 'autograder-worker-gpu'}
    assert {name: image(o) for name, o in workloads(by_name()).items()} == expected
    for name in ('api', 'migrate', 'sweeper'):
        assert services[name]['image'] == 'autograder-web', name


def test_the_web_image_installs_no_torch():
    with open(os.path.join(ROOT, 'Dockerfile.web')) as f:
        dockerfile = '\n'.join(line for line in f if not line.startswith('#'))
    assert 'requirements-service.txt' in dockerfile and not re.search(r'requirements\.txt|torch', dockerfile)
    with open(os.path.join(ROOT, 'requirements-service.txt')) as f:
        pins = [line.split('#')[0].strip().lower() for line in f]
    assert not [p for p in pins if re.match(r'(torch|numpy|safetensors|pyseccomp)\b', p)], pins


# Breaking a manifest is caught: each mutation makes its check report a problem.
def _broken(mutate, name='autograder-worker-cpu', kind='Deployment'):
    obj = copy.deepcopy(by_name()[kind, name])
    mutate(obj)
    return obj


def _container(obj):
    return pod_spec(obj)['containers'][0]


@pytest.mark.parametrize('mutate', [
    lambda o: _container(o)['securityContext'].update(privileged=True),
    lambda o: _container(o)['securityContext']['capabilities']['add'].append('NET_ADMIN'),
    lambda o: _container(o)['securityContext']['capabilities']['add'].remove('SYS_NICE'),
    lambda o: _container(o)['securityContext']['capabilities'].update(add=['CAP_' + c for c in compose_caps()]),
    lambda o: _container(o)['securityContext']['capabilities'].pop('drop'),
    lambda o: _container(o)['securityContext'].update(allowPrivilegeEscalation=True),
    lambda o: _container(o)['securityContext'].pop('appArmorProfile'),
    lambda o: pod_spec(o).update(hostPID=True),
], ids=['privileged', 'extra-cap', 'missing-cap', 'cap-prefix', 'no-drop', 'escalation', 'apparmor', 'hostpid'])
def test_a_broken_worker_is_caught(mutate):
    assert worker_problems(_broken(mutate))


@pytest.mark.parametrize('mutate', [
    lambda o: _container(o)['securityContext']['capabilities'].update(add=['NET_BIND_SERVICE']),
    lambda o: _container(o)['securityContext'].update(readOnlyRootFilesystem=False),
    lambda o: pod_spec(o)['securityContext'].pop('runAsNonRoot'),
])
def test_a_broken_api_is_caught(mutate):
    assert unprivileged_problems(_broken(mutate, 'autograder-api'))


@pytest.mark.parametrize('volume', [{'name': 'data', 'hostPath': {'path': '/srv'}},
                                    {'name': 'data', 'persistentVolumeClaim': {'claimName': 'uploads'}},
                                    {'name': 'uploads', 'emptyDir': {}}])
def test_a_shared_or_host_volume_is_caught(volume):
    assert volume_problems(_broken(lambda o: pod_spec(o).setdefault('volumes', []).append(volume), 'autograder-api'))


@pytest.mark.parametrize('mutate, name, kind', [
    (lambda o: o['spec'].update(replicas='three'), 'autograder-api', 'Deployment'),
    (lambda o: _container(o).update(readinessprobe={}), 'autograder-api', 'Deployment'),
    (lambda o: _container(o)['securityContext'].update(appArmorProfile={'kind': 'Unconfined'}), 'autograder-worker-cpu',
     'Deployment'),
    (lambda o: o['spec']['triggers'][0]['metadata'].update(listLenght='4'), 'autograder-worker-cpu', 'ScaledObject'),
    (lambda o: o['spec'].update(maxReplicas=3), 'autograder-worker-gpu', 'ScaledObject'),
    (lambda o: o['spec']['advanced']['horizontalPodAutoscalerConfig']['behavior']['scaleDown'].update(
        stabilizationWindowSeconds='long'), 'autograder-worker-cpu', 'ScaledObject'),
], ids=['replicas-type', 'unknown-field', 'apparmor-field', 'keda-typo', 'keda-unknown', 'hpa-behavior'])
def test_the_schemas_catch_a_broken_manifest(mutate, name, kind):
    assert schema_problems(_broken(mutate, name, kind))


def test_compose_shares_no_folder_between_the_api_and_the_workers():
    """Uploads live in the database: no named volume is mounted by both the API and a worker."""
    services = compose()['services']
    env = compose()['x-grader-env']
    assert env.get('AG_STORAGE') == 'db'
    named = {name: {v.split(':')[0] for v in svc.get('volumes', []) if not v.startswith('.')}
             for name, svc in services.items()}
    for worker in ('worker-cpu', 'worker-gpu'):
        assert not named['api'] & named[worker], (worker, named['api'] & named[worker])
    assert 'uploads' not in compose()['volumes']
