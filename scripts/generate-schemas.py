#!/usr/bin/env python3
"""Generates the JSON Schemas of localbatch's five definition-file kinds.

Job definitions, job queues and compute environments are exactly the AWS Batch request shapes
(RegisterJobDefinitionRequest, CreateJobQueueRequest, CreateComputeEnvironmentRequest), taken from the
Batch service model that ships with botocore, with its documentation converted to text. Workflows
reuse the SubmitJobRequest members; `localbatch.yaml` settings are written by hand below.

Only what the model states is encoded (types, enums, required members, min/max from the model).
Numeric ranges that live only in the documentation prose (retry attempts 1..10, array size, timeout
>= 60 s, ...) are left to the semantic rules in src/model/validation/rules.

Usage: python3 scripts/generate-schemas.py   (or `npm run schemas`). Output is deterministic. It then runs
scripts/compile-schema-validators.cjs, which precompiles the schemas into standalone validation code.
"""
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import botocore.loaders

BASE_URL = 'https://localbatch.dev/schemas/'
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'model', 'schemas')

# The model bundled with botocore may lag behind the service (and behind the @aws-sdk/client-batch
# the project uses). These additions are known to be accepted by the current API; without them valid
# files would be rejected. Values come from the current SDK's model; new members are typed loosely.
ENUM_ADDITIONS = {
    'PlatformCapability': ['MANAGED_INSTANCES'],
    'CRType': ['ECS_MANAGED_INSTANCES'],
    'JobQueueType': ['ECS_MANAGED_INSTANCES'],
    'CRAllocationStrategy': ['BEST_FIT_PROGRESSIVE_ORDERED', 'SPOT_CAPACITY_OPTIMIZED_PRIORITIZED'],
}
NEWER_NOTE = ' (Newer API member: accepted, its contents are not checked by localbatch.)'
MEMBER_ADDITIONS = {
    'EcsTaskProperties': {
        'networkMode': {'type': 'string', 'description': 'The network mode of the task.' + NEWER_NOTE},
    },
    'CreateComputeEnvironmentRequest': {
        'ecsSettings': {'type': 'object', 'description': 'Amazon ECS settings of the compute environment.' + NEWER_NOTE},
    },
    'ComputeResource': {
        'managedInstancesProvider': {
            'type': 'object',
            'description': 'The Amazon ECS Managed Instances capacity provider configuration.' + NEWER_NOTE,
        },
        'capacityTags': {
            'type': 'object',
            'additionalProperties': {'type': 'string'},
            'description': 'Tags applied to the capacity the compute environment launches.' + NEWER_NOTE,
        },
    },
}
# Members the bundled model still requires but the current SDK's model makes optional (AWS picks
# defaults: ComputeResource.subnets falls back to the default VPC's subnets).
REQUIRED_REMOVALS = {
    'ComputeResource': ['subnets'],
}
# Enums that AWS accepts in any letter case. The schema uses a case-insensitive pattern (with
# `examples` for editor completion); `x-enumAnyCase` tells the validator to word its message as an enum.
# `patternErrorMessage` (understood by VS Code) words pattern failures for editors and the validator.
ANY_CASE_ENUMS = {'RetryAction'}


class _DocConverter(HTMLParser):
    """Turns botocore's HTML documentation into markdown (and, from that, plain text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.href = []
        self.list_depth = 0
        self.inline_next = False  # a <p> right after a list bullet or note label stays on its line

    def handle_starttag(self, tag, attrs):
        if tag == 'p' and self.inline_next:
            return
        self.inline_next = tag in ('li', 'note', 'important', 'dd')
        if tag in ('p', 'dl', 'note', 'important'):
            self.out.append('\n\n')
            if tag == 'note':
                self.out.append('**Note:** ')
            elif tag == 'important':
                self.out.append('**Important:** ')
        elif tag in ('ul', 'ol'):
            self.list_depth += 1
            self.out.append('\n')
        elif tag == 'li':
            self.out.append('\n' + '  ' * (self.list_depth - 1) + '- ')
        elif tag == 'dt':
            self.out.append('\n\n**')
        elif tag == 'dd':
            self.out.append('\n\n')
        elif tag == 'code':
            self.out.append('`')
        elif tag in ('i', 'em'):
            self.out.append('*')
        elif tag in ('b', 'strong'):
            self.out.append('**')
        elif tag == 'a':
            self.href.append(dict(attrs).get('href'))
            self.out.append('[')
        elif tag == 'br':
            self.out.append('\n')

    def handle_endtag(self, tag):
        if tag in ('ul', 'ol'):
            self.list_depth = max(0, self.list_depth - 1)
            self.out.append('\n\n')
        elif tag == 'dt':
            self.out.append('**')
        elif tag == 'code':
            self.out.append('`')
        elif tag in ('i', 'em'):
            self.out.append('*')
        elif tag in ('b', 'strong'):
            self.out.append('**')
        elif tag == 'a':
            href = self.href.pop() if self.href else None
            self.out.append(f']({href})' if href else ']')
        elif tag in ('p', 'note', 'important', 'dd', 'dl'):
            self.out.append('\n\n')

    def handle_data(self, data):
        if data.strip():
            self.inline_next = False
        self.out.append(re.sub(r'\s+', ' ', data))


def _tidy(text):
    lines = [re.sub(r'[ \t]+', ' ', line).strip() for line in text.split('\n')]
    # keep list indentation
    text = '\n'.join(lines)
    text = re.sub(r'\n{3,}', '\n\n', text)
    text = re.sub(r'`\s+`', '', text)
    return text.strip()


def to_markdown(html):
    conv = _DocConverter()
    conv.feed(html or '')
    conv.close()
    md = _tidy(''.join(conv.out))
    md = re.sub(r'\*\*\s*\*\*', '', md)
    prev = None
    while prev != md:  # consecutive list items without blank lines between them
        prev = md
        md = re.sub(r'(\n *- [^\n]*)\n\n(?= *- )', r'\1\n', md)
    return md


def to_plain(markdown):
    text = re.sub(r'\[([^\]]*)\]\(([^)]*)\)', r'\1', markdown)
    text = text.replace('**', '').replace('`', '')
    text = re.sub(r'(?<![\w*])\*([^*\n]+)\*(?![\w*])', r'\1', text)
    text = re.sub(r'[ \t]+', ' ', text)
    return _tidy(text)


def with_docs(schema, html):
    md = to_markdown(html)
    if md:
        schema['description'] = to_plain(md)
        schema['markdownDescription'] = md
    return schema


class SchemaBuilder:
    def __init__(self, shapes):
        self.shapes = shapes
        self.definitions = {}

    def ref(self, shape_name):
        """A schema for a shape; structures become shared definitions (which also handles recursion)."""
        shape = self.shapes[shape_name]
        kind = shape['type']
        if kind == 'structure':
            if shape_name not in self.definitions:
                self.definitions[shape_name] = {}  # placeholder for recursion
                self.definitions[shape_name] = self.structure(shape_name)
            return {'$ref': '#/definitions/' + shape_name}
        if kind == 'list':
            out = {'type': 'array', 'items': self.ref(shape['member']['shape'])}
            if 'min' in shape:
                out['minItems'] = shape['min']
            if 'max' in shape:
                out['maxItems'] = shape['max']
            return out
        if kind == 'map':
            out = {'type': 'object'}
            key = self.shapes[shape['key']['shape']]
            names = self.scalar(shape['key']['shape'], key)
            names.pop('type', None)
            if names:
                out['propertyNames'] = names
            out['additionalProperties'] = self.ref(shape['value']['shape'])
            if 'min' in shape:
                out['minProperties'] = shape['min']
            if 'max' in shape:
                out['maxProperties'] = shape['max']
            return out
        return self.scalar(shape_name, shape)

    def scalar(self, shape_name, shape):
        kind = shape['type']
        if kind == 'string':
            out = {'type': 'string'}
            enum = list(shape.get('enum', [])) + ENUM_ADDITIONS.get(shape_name, [])
            if enum and shape_name in ANY_CASE_ENUMS:
                out['pattern'] = '^(' + '|'.join(any_case(v) for v in enum) + ')$'
                out['examples'] = enum
                out['x-enumAnyCase'] = enum
                out['patternErrorMessage'] = 'Must be one of ' + ', '.join(enum) + ' (in any letter case).'
            elif enum:
                out['enum'] = enum
            if 'min' in shape:
                out['minLength'] = shape['min']
            if 'max' in shape:
                out['maxLength'] = shape['max']
            if 'pattern' in shape:
                out['pattern'] = shape['pattern']
            return out
        if kind in ('integer', 'long'):
            out = {'type': 'integer'}
        elif kind in ('float', 'double'):
            out = {'type': 'number'}
        elif kind == 'boolean':
            return {'type': 'boolean'}
        elif kind == 'timestamp':
            return {'type': ['string', 'number']}
        else:
            raise ValueError(f'unsupported shape type {kind} ({shape_name})')
        if 'min' in shape:
            out['minimum'] = shape['min']
        if 'max' in shape:
            out['maximum'] = shape['max']
        return out

    def structure(self, shape_name, skip=(), required=None):
        shape = self.shapes[shape_name]
        props = {}
        for name, member in shape['members'].items():
            if name in skip:
                continue
            props[name] = with_docs(dict(self.ref(member['shape'])), member.get('documentation'))
        for name, extra in MEMBER_ADDITIONS.get(shape_name, {}).items():
            props[name] = dict(extra)
        out = with_docs({'type': 'object'}, shape.get('documentation'))
        out['properties'] = props
        req = [r for r in (shape.get('required', []) if required is None else required) if r not in skip and r not in REQUIRED_REMOVALS.get(shape_name, [])]
        if req:
            out['required'] = req
        out['additionalProperties'] = False
        return out


def any_case(word):
    return ''.join(f'[{c.upper()}{c.lower()}]' if c.isalpha() else re.escape(c) for c in word)


def document(kind, title, body, definitions):
    out = {
        '$schema': 'http://json-schema.org/draft-07/schema#',
        '$id': BASE_URL + kind + '.schema.json',
        'title': title,
    }
    out.update(body)
    if definitions:
        out['definitions'] = {k: definitions[k] for k in sorted(definitions)}
    return out


def request_schema(shapes, kind, shape_name, title, intro):
    builder = SchemaBuilder(shapes)
    body = builder.structure(shape_name)
    body['description'] = intro + '\n\n' + body.get('description', '')
    body['markdownDescription'] = intro + '\n\n' + body.get('markdownDescription', '')
    body['description'] = body['description'].strip()
    body['markdownDescription'] = body['markdownDescription'].strip()
    return document(kind, title, body, builder.definitions)


JOB_NAME_PATTERN = '^[A-Za-z0-9_-]{1,128}$'


def workflow_schema(shapes):
    builder = SchemaBuilder(shapes)
    job = builder.structure('SubmitJobRequest', skip=('dependsOn',), required=['jobDefinition'])
    job['description'] = (
        'One job of the workflow: the fields of an AWS Batch SubmitJob request. `jobName` defaults to the '
        'job\'s key, `jobQueue` may be omitted (the local queue `local` is used when running locally), '
        '`jobDefinition` is required and names a job definition of the workspace (`name` or '
        '`name:revision`) or an ARN, and `dependsOn` lists other jobs of this workflow by key.'
    )
    job['markdownDescription'] = job['description']
    props = job['properties']
    props['jobName'] = {
        'type': 'string',
        'description': 'The name of the submitted job. Defaults to the job\'s key in `jobs`. Up to 128 '
        'letters (uppercase and lowercase), numbers, hyphens and underscores; the first character must be '
        'alphanumeric.',
    }
    props['jobQueue'] = {
        'type': 'string',
        'description': 'The job queue to submit to: a queue name defined in the workspace or a queue ARN. '
        'Optional: when running locally, the local queue `local` is used.',
    }
    props['jobDefinition'] = {
        'type': 'string',
        'description': 'The job definition to run: `name` (latest active revision), `name:revision`, or an '
        'ARN. A name refers to a job definition file of the workspace.',
    }
    props['dependsOn'] = {
        'type': 'array',
        'description': 'Jobs that must succeed before this one starts. Each entry names another job of this '
        'workflow (`job`), optionally with `type: N_TO_N` (child i of an array job waits for child i of the '
        'other array job). `{ type: SEQUENTIAL }` without `job` makes the children of this array job run '
        'one after another.',
        'items': {'$ref': '#/definitions/WorkflowDependency'},
    }
    for p in props.values():
        if 'description' in p and 'markdownDescription' not in p:
            p['markdownDescription'] = p['description']
    # Keep a readable order: the identifying fields first.
    first = ['jobName', 'jobDefinition', 'jobQueue', 'dependsOn']
    job['properties'] = {k: props[k] for k in first + [k for k in props if k not in first]}
    builder.definitions['WorkflowJob'] = job
    builder.definitions['WorkflowDependency'] = {
        'type': 'object',
        'description': 'A dependency: `job` is the key of another job of this workflow; `type` is `N_TO_N` '
        '(array to array, index by index) or `SEQUENTIAL` (without `job`: this array job\'s children run '
        'one after another).',
        'properties': {
            'job': {
                'type': 'string',
                'description': 'The key (in `jobs`) of the job this one depends on.',
            },
            'type': {
                'type': 'string',
                'enum': ['N_TO_N', 'SEQUENTIAL'],
                'description': '`N_TO_N`: each child of this array job waits for the child with the same '
                'index of `job`. `SEQUENTIAL`: the children of this array job run one after another.',
            },
        },
        'additionalProperties': False,
    }
    body = {
        'description': 'A localbatch workflow: jobs submitted together, with dependencies between them by name.',
        'type': 'object',
        'properties': {
            'description': {'type': 'string', 'description': 'What this workflow does (free text).'},
            'jobs': {
                'type': 'object',
                'description': 'The jobs of the workflow, keyed by name (letters, digits, hyphens and '
                'underscores, up to 128 characters). At least one job.',
                'minProperties': 1,
                'propertyNames': {
                    'pattern': JOB_NAME_PATTERN,
                    'patternErrorMessage': 'A job name may contain only letters, digits, hyphens and underscores, '
                    'up to 128 characters.',
                },
                'additionalProperties': {'$ref': '#/definitions/WorkflowJob'},
            },
        },
        'required': ['jobs'],
        'additionalProperties': False,
    }
    return document('workflow', 'localbatch workflow', body, builder.definitions)


def settings_schema():
    def prop(schema, description):
        schema['description'] = description
        schema['markdownDescription'] = description
        return schema

    image = {
        'type': 'object',
        'description': 'An image to build from a Dockerfile before a local run.',
        'properties': {
            'name': prop({'type': 'string', 'minLength': 1}, 'The image name job definitions refer to, e.g. `my-app:latest`.'),
            'context': prop({'type': 'string', 'minLength': 1}, 'The build context, relative to `localbatch.yaml`.'),
            'dockerfile': prop({'type': 'string', 'minLength': 1}, 'The Dockerfile inside the context (default `Dockerfile`).'),
            'buildArgs': prop(
                {'type': 'object', 'additionalProperties': {'type': 'string'}},
                'Build arguments (`--build-arg NAME=value`); values are strings.',
            ),
        },
        'required': ['name', 'context'],
        'additionalProperties': False,
    }
    body = {
        'description': 'Settings for local runs only (`localbatch.yaml` at the workspace root); never deployed.',
        'type': 'object',
        'properties': {
            'port': prop(
                {'type': 'integer', 'minimum': 1, 'maximum': 65535},
                'The TCP port of the local AWS Batch endpoint (`localbatch serve`). Default 8747.',
            ),
            'accountId': prop(
                {'type': 'string', 'pattern': '^[0-9]{12}$', 'patternErrorMessage': 'Must be exactly 12 digits, as a string.'},
                'The 12-digit account id used in local ARNs. Default `000000000000`.',
            ),
            'region': prop({'type': 'string', 'minLength': 1}, 'The region used in local ARNs. Default `us-east-1`.'),
            'capacity': prop(
                {
                    'type': 'object',
                    'properties': {
                        'vcpus': prop({'type': 'number', 'exclusiveMinimum': 0}, 'vCPUs available to local jobs (default: the host\'s CPUs).'),
                        'memoryMiB': prop({'type': 'integer', 'minimum': 4}, 'Memory in MiB available to local jobs (default: the host\'s memory).'),
                        'gpus': prop({'type': 'integer', 'minimum': 0}, 'GPUs available to local jobs (default: the NVIDIA GPUs the host\'s driver reports, else 0). GPU jobs wait for a free GPU; with none they block their queue with MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT.'),
                    },
                    'additionalProperties': False,
                },
                'The capacity of the local compute environment that jobs are packed into.',
            ),
            'images': prop({'type': 'array', 'items': image}, 'Images to build from Dockerfiles before a run.'),
            'imageOverrides': prop(
                {'type': 'object', 'additionalProperties': {'type': 'string', 'minLength': 1}},
                'Images to run instead of the ones job definitions name, locally only: `{ "<image in the job definition>": "<local image>" }`, '
                'so one definition file serves both AWS (an ECR image) and local runs (an image built here).',
            ),
            'aws': prop(
                {
                    'type': 'object',
                    'properties': {
                        'profile': prop({'type': 'string', 'minLength': 1}, 'The AWS profile local jobs get their credentials from (default: the AWS SDK\'s credential chain).'),
                        'region': prop({'type': 'string', 'minLength': 1}, 'The region of AWS calls made for local jobs (STS, ECR, SSM, Secrets Manager), and `AWS_REGION` in containers. Default: the profile\'s region, else `region`.'),
                        'jobRoles': prop(
                            {'type': 'string', 'enum': ['none', 'assume', 'profile']},
                            'What a job with a `jobRoleArn` gets: `assume` (STS AssumeRole of its jobRoleArn), `profile` (the profile\'s own credentials) or `none` (default: no credentials).',
                        ),
                        'secrets': prop(
                            {'type': 'string', 'enum': ['local', 'fetch']},
                            '`local` (default): `secrets[].valueFrom` resolve from `.localbatch/secrets.yaml`; `fetch`: from SSM Parameter Store and Secrets Manager with the profile, when the local file has no value.',
                        ),
                        'endpoints': prop(
                            {'type': 'object', 'additionalProperties': {'type': 'string', 'pattern': '^https?://'}},
                            'Endpoint overrides per service (`s3`, `sts`, `ssm`, `secretsmanager`, `ecr`, ...): become `AWS_ENDPOINT_URL_<SERVICE>` in containers and are used for the calls localbatch makes for jobs.',
                        ),
                    },
                    'additionalProperties': False,
                },
                'How local jobs reach AWS: job role credentials, secrets, endpoints. Opt-in; without it containers get no AWS credentials.',
            ),
            'volumes': prop(
                {'type': 'object', 'additionalProperties': {'type': 'string', 'minLength': 1}},
                'Where volumes of job definitions live locally: an EFS file system id (`fs-12345678`, or `fs-12345678:/root/dir`) or a host `sourcePath` '
                '(e.g. an FSx mount) mapped to a folder relative to `localbatch.yaml`; an S3 Files file system (its ARN or id, optionally `:/root/dir`) '
                'mapped to such a folder or to a bucket of the local S3 (`s3://bucket` or `s3://bucket/prefix`). Unmapped EFS and S3 Files volumes become '
                'named Docker volumes kept between runs.',
            ),
            'serviceAccounts': prop(
                {'type': 'object', 'additionalProperties': {'type': 'string', 'pattern': '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$', 'patternErrorMessage': 'Must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/trainer.'}},
                'Kubernetes service accounts of EKS job definitions (`serviceAccountName`) mapped to the IAM role ARN their `eks.amazonaws.com/role-arn` '
                'annotation (or EKS Pod Identity association) names in the cluster. A pod with a mapped service account gets that role\'s credentials '
                'as a job with that `jobRoleArn` does (see `aws.jobRoles`).',
            ),
            'allowHostAccess': prop(
                {'type': 'array', 'items': {'type': 'string', 'minLength': 1}},
                'Host paths outside the workspace that job volumes (`host.sourcePath`), the Docker socket and `devices` may use locally. Default: none.',
            ),
            'allowPrivileged': prop({'type': 'boolean'}, 'Allow `privileged: true` job definitions to run locally. Default false.'),
            'templates': prop(
                {'type': 'array', 'items': {'type': 'string', 'minLength': 1}},
                'CloudFormation/CDK templates (`cdk.out/*.template.json`) or Terraform `show -json` files whose AWS Batch resources are definitions of this workspace, relative to `localbatch.yaml`.',
            ),
            'buckets': prop(
                {
                    'type': 'object',
                    'propertyNames': {'pattern': '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'},
                    'additionalProperties': {
                        'anyOf': [
                            {'type': 'string', 'minLength': 1},
                            {
                                'type': 'object',
                                'properties': {
                                    'path': prop({'type': 'string', 'minLength': 1}, 'The folder holding the bucket\'s objects, relative to `localbatch.yaml`.'),
                                    'eventBridge': prop({'type': 'boolean'}, 'Send "Object Created" / "Object Deleted" events to EventBridge (as the bucket\'s `EventBridgeConfiguration` does). Default false.'),
                                },
                                'required': ['path'],
                                'additionalProperties': False,
                            },
                        ]
                    },
                },
                'Buckets of the local S3 (on the emulator\'s endpoint) and the folders that hold their objects: `{ raw-data: ./data/raw }` or `{ raw-data: { path: ./data/raw, eventBridge: true } }`. A file in the folder is an object; a key with `/` is a subfolder.',
            ),
            'parameters': prop(
                {'type': 'object', 'additionalProperties': {'type': 'string'}},
                'Values of CloudFormation template parameters (by parameter name) for local use; a parameter without one uses its `Default`.',
            ),
        },
        'additionalProperties': False,
    }
    return document('settings', 'localbatch settings (localbatch.yaml)', body, {})


def main():
    model = botocore.loaders.create_loader().load_service_model('batch', 'service-2')
    shapes = model['shapes']
    cli = 'the same document that `aws batch {op} --cli-input-json file://...` accepts.'
    schemas = {
        'jobDefinition': request_schema(
            shapes, 'jobDefinition', 'RegisterJobDefinitionRequest', 'AWS Batch job definition',
            'An AWS Batch job definition: a RegisterJobDefinition request, ' + cli.format(op='register-job-definition'),
        ),
        'jobQueue': request_schema(
            shapes, 'jobQueue', 'CreateJobQueueRequest', 'AWS Batch job queue',
            'An AWS Batch job queue: a CreateJobQueue request, ' + cli.format(op='create-job-queue')
            + ' `computeEnvironmentOrder[].computeEnvironment` may name a compute environment of the workspace.',
        ),
        'computeEnvironment': request_schema(
            shapes, 'computeEnvironment', 'CreateComputeEnvironmentRequest', 'AWS Batch compute environment',
            'An AWS Batch compute environment: a CreateComputeEnvironment request, '
            + cli.format(op='create-compute-environment'),
        ),
        'workflow': workflow_schema(shapes),
        'settings': settings_schema(),
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    for kind, schema in schemas.items():
        path = os.path.join(OUT_DIR, kind + '.schema.json')
        with open(path, 'w', encoding='utf-8', newline='\n') as f:
            json.dump(schema, f, indent=2, ensure_ascii=False)
            f.write('\n')
        print(f'wrote {os.path.relpath(path)}', file=sys.stderr)
    # Precompile the validators (ajv standalone code) so validation pays no compile time at run time.
    subprocess.run(['node', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'compile-schema-validators.cjs')], check=True)


if __name__ == '__main__':
    main()
