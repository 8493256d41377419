from tortoise import migrations
from tortoise.migrations import operations as ops

# Full-text search over the visible questions' titles and bodies (forum/search_queries.py).
# SQLite: an FTS5 table kept in step by triggers (porter stems English; queries match prefixes,
# which catches Dutch inflections). PostgreSQL: a generated tsvector, English or Dutch by the
# question's language, under a partial GIN index of the visible questions.
SQLITE = """
CREATE VIRTUAL TABLE question_search USING fts5(
    title, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO question_search (rowid, title, body)
    SELECT id, title, body FROM questions WHERE visibility = 'visible';
CREATE TRIGGER question_search_insert AFTER INSERT ON questions
WHEN new.visibility = 'visible' BEGIN
    INSERT INTO question_search (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER question_search_update AFTER UPDATE OF title, body, visibility ON questions BEGIN
    DELETE FROM question_search WHERE rowid = old.id;
    INSERT INTO question_search (rowid, title, body)
        SELECT new.id, new.title, new.body WHERE new.visibility = 'visible';
END;
CREATE TRIGGER question_search_delete AFTER DELETE ON questions BEGIN
    DELETE FROM question_search WHERE rowid = old.id;
END;
"""
SQLITE_DOWN = """
DROP TRIGGER IF EXISTS question_search_insert;
DROP TRIGGER IF EXISTS question_search_update;
DROP TRIGGER IF EXISTS question_search_delete;
DROP TABLE IF EXISTS question_search;
"""
CONFIG = "CASE WHEN language = 'nl' THEN 'dutch'::regconfig ELSE 'english'::regconfig END"
POSTGRES = f"""
ALTER TABLE questions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector({CONFIG}, title), 'A') || setweight(to_tsvector({CONFIG}, body), 'B')
) STORED;
CREATE INDEX question_search ON questions USING GIN (search_vector) WHERE visibility = 'visible';
"""
POSTGRES_DOWN = """
DROP INDEX IF EXISTS question_search;
ALTER TABLE questions DROP COLUMN IF EXISTS search_vector;
"""


def _postgres(schema_editor) -> bool:
    return schema_editor.client.capabilities.dialect == "postgres"


async def forward(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(POSTGRES if _postgres(schema_editor) else SQLITE)


async def backward(apps, schema_editor) -> None:
    down = POSTGRES_DOWN if _postgres(schema_editor) else SQLITE_DOWN
    await schema_editor.client.execute_script(down)


class Migration(migrations.Migration):
    dependencies = [('forum', '0005_flags')]

    initial = False

    operations = [ops.RunPython(forward, backward)]
