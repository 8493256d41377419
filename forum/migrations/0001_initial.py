from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from forum.models import PayoutMethod, QuestionState, Role
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Board',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=50)),
                ('name', fields.CharField(max_length=100)),
                ('description', fields.CharField(default='', max_length=500)),
                ('sla_hours', fields.IntField(default=12)),
                ('urgent', fields.BooleanField(default=False)),
                ('position', fields.IntField(default=0)),
                ('question_count', fields.IntField(default=0)),
            ],
            options={'table': 'boards', 'app': 'forum', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(max_length=30)),
                ('username_key', fields.CharField(unique=True, max_length=30)),
                ('email', fields.CharField(max_length=254)),
                ('password_hash', fields.CharField(max_length=255)),
                ('display_name', fields.CharField(default='', max_length=60)),
                ('role', fields.CharEnumField(default=Role.MEMBER, description='MEMBER: member\nSTAFF: staff\nFINANCE: finance\nADMIN: admin', enum_type=Role, max_length=10)),
                ('locale', fields.CharField(default='en', max_length=5)),
                ('payout_method', fields.CharEnumField(default=PayoutMethod.CREDIT, description='CREDIT: credit\nCASH: cash\nCHARITY: charity', enum_type=PayoutMethod, max_length=10)),
                ('payout_address', fields.CharField(default='', max_length=200)),
                ('session_version', fields.IntField(default=1)),
                ('suspended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('suspended_reason', fields.CharField(default='', max_length=500)),
                ('signup_address', fields.CharField(default='', max_length=45)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'users', 'app': 'forum', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_tokens', 'app': 'forum', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('forum.User', source_field='actor_id', db_constraint=True, to_field='id', related_name='audit_actions', on_delete=OnDelete.RESTRICT)),
                ('action', fields.CharField(max_length=50)),
                ('target_user', fields.ForeignKeyField('forum.User', source_field='target_user_id', null=True, db_constraint=True, to_field='id', related_name='audit_targets', on_delete=OnDelete.RESTRICT)),
                ('detail', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'audit_entries', 'app': 'forum', 'indexes': [Index(fields=['created_at'], name='audit_created')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Question',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('forum.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('language', fields.CharField(default='en', max_length=5)),
                ('state', fields.CharEnumField(default=QuestionState.UNANSWERED, description='UNANSWERED: unanswered\nANSWERED: answered\nSOLVED: solved\nLOCKED: locked', enum_type=QuestionState, max_length=12)),
                ('answer_count', fields.IntField(default=0)),
                ('other_answer_count', fields.IntField(default=0)),
                ('accepted_answer_id', fields.IntField(null=True)),
                ('locked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_activity_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'questions', 'app': 'forum', 'indexes': [Index(fields=['created_at', 'id'], name='question_created'), Index(fields=['last_activity_at', 'id'], name='question_activity'), Index(fields=['state', 'created_at', 'id'], name='question_state_created'), Index(fields=['state', 'last_activity_at', 'id'], name='question_state_activity'), Index(fields=['board_id', 'created_at', 'id'], name='question_board_created'), Index(fields=['board_id', 'last_activity_at', 'id'], name='question_board_activity'), Index(fields=['board_id', 'state', 'created_at', 'id'], name='question_board_state_created'), Index(fields=['board_id', 'state', 'last_activity_at', 'id'], name='question_board_state_activity'), Index(fields=['author_id', 'created_at'], name='question_author_created')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Answer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.ForeignKeyField('forum.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.RESTRICT)),
                ('body', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('is_staff', fields.BooleanField(default=False)),
                ('kudos_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'answers', 'app': 'forum', 'indexes': [Index(fields=['question_id', 'created_at', 'id'], name='answer_question_created'), Index(fields=['author_id', 'created_at'], name='answer_author_created')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Acceptance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.ForeignKeyField('forum.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='acceptances', on_delete=OnDelete.RESTRICT)),
                ('answer', fields.ForeignKeyField('forum.Answer', source_field='answer_id', db_constraint=True, to_field='id', related_name='acceptances', on_delete=OnDelete.RESTRICT)),
                ('accepted_by', fields.ForeignKeyField('forum.User', source_field='accepted_by_id', db_constraint=True, to_field='id', related_name='acceptances_made', on_delete=OnDelete.RESTRICT)),
                ('active_question_id', fields.IntField(null=True, unique=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cleared_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cleared_by', fields.ForeignKeyField('forum.User', source_field='cleared_by_id', null=True, db_constraint=True, to_field='id', related_name='acceptances_cleared', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'acceptances', 'app': 'forum', 'indexes': [Index(fields=['question_id', 'created_at'], name='acceptance_question')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Kudos',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('answer', fields.ForeignKeyField('forum.Answer', source_field='answer_id', db_constraint=True, to_field='id', related_name='kudos', on_delete=OnDelete.RESTRICT)),
                ('giver', fields.ForeignKeyField('forum.User', source_field='giver_id', db_constraint=True, to_field='id', related_name='kudos_given', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'kudos', 'app': 'forum', 'unique_together': (('answer', 'giver'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Revision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.ForeignKeyField('forum.Question', source_field='question_id', null=True, db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.RESTRICT)),
                ('answer', fields.ForeignKeyField('forum.Answer', source_field='answer_id', null=True, db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.RESTRICT)),
                ('editor', fields.ForeignKeyField('forum.User', source_field='editor_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.RESTRICT)),
                ('old_title', fields.CharField(default='', max_length=200)),
                ('old_body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'revisions', 'app': 'forum', 'indexes': [Index(fields=['question_id', 'created_at'], name='revision_question'), Index(fields=['answer_id', 'created_at'], name='revision_answer')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
