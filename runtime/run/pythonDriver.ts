// The Python program that runs one Python model in a subprocess (pythonModel.ts starts it): dbt's
// `dbt` object over a DuckDB copy of the model's inputs, and the returned object written to a DuckDB file.

/**
 * argv[1] is a JSON spec: `catalogs` (DuckDB files attached read-only under the warehouse's catalog
 * names, holding exactly the relations the model reads), `use` (the warehouse's catalog), `refs` and
 * `sources` (key → relation), `config`, `this`, `is_incremental`, `model_file`, `output`. The model's
 * result goes to table `main.result` of `output`; a failure prints one JSON line on stdout (the
 * exception's last traceback line, the model file's line) and exits 1.
 */
export const PYTHON_DRIVER = String.raw`
import json, sys, traceback

spec = json.load(open(sys.argv[1], encoding='utf-8'))

def q(name):
    return '"' + str(name).replace('"', '""') + '"'

def lit(text):
    return "'" + str(text).replace("'", "''") + "'"

def fail(message, line):
    print(json.dumps({'error': message, 'line': line, 'traceback': traceback.format_exc()}))
    sys.exit(1)

def model_line(tb):
    line = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == spec['model_file']:
            line = frame.lineno
    return line

import duckdb

con = duckdb.connect(':memory:')
for c in spec['catalogs']:
    con.execute('ATTACH ' + lit(c['file']) + ' AS ' + q(c['name']) + ' (READ_ONLY)')
con.execute('USE ' + q(spec['use']))

class Config:
    """dbt.config(...) configures at parse time (read statically); dbt.config.get(key) reads the model's config."""
    def __init__(self, values):
        self._values = values
    def __call__(self, *args, **kwargs):
        return ''
    def get(self, key, default=None):
        return self._values.get(key, default)

class This:
    """dbt.this: prints as the model's relation, with database, schema and identifier."""
    def __init__(self, t):
        self.database, self.schema, self.identifier = t['database'], t['schema'], t['identifier']
    def __repr__(self):
        return q(self.database) + '.' + q(self.schema) + '.' + q(self.identifier)
    __str__ = __repr__

def load(relation):
    return con.query('select * from ' + relation)

class Dbt:
    def __init__(self):
        self.config = Config(spec['config'])
        self.this = This(spec['this'])
        self.is_incremental = spec['is_incremental']
    def ref(self, *args, **kwargs):
        key = '.'.join(args)
        version = kwargs.get('v') or kwargs.get('version')
        if version is not None:
            key += '.v' + str(version)
        if key not in spec['refs']:
            raise ValueError('dbt.ref(' + ', '.join(repr(a) for a in args) + ') is not a ref this model declares')
        return load(spec['refs'][key])
    def source(self, *args):
        key = '.'.join(args)
        if key not in spec['sources']:
            raise ValueError('dbt.source(' + ', '.join(repr(a) for a in args) + ') is not a source this model declares')
        return load(spec['sources'][key])

try:
    with open(spec['model_file'], encoding='utf-8') as f:
        code = compile(f.read(), spec['model_file'], 'exec')
    scope = {'__name__': spec['name'], '__file__': spec['model_file']}
    exec(code, scope)
    if 'model' not in scope:
        raise NameError('the file defines no model(dbt, session) function')
    result = scope['model'](Dbt(), con)
except SyntaxError as err:
    fail(traceback.format_exception_only(type(err), err)[-1].strip(), err.lineno)
except Exception as err:
    fail(traceback.format_exception_only(type(err), err)[-1].strip(), model_line(err.__traceback__))

# As dbt-duckdb's materialization: any object DuckDB can scan (a relation, a pandas or polars
# DataFrame, a pyarrow Table) becomes the model's table.
try:
    con.execute('ATTACH ' + lit(spec['output']) + ' AS __medallion_out')
    con.register('__medallion_result', result)
    con.execute('CREATE TABLE __medallion_out.main.result AS SELECT * FROM __medallion_result')
    con.execute('DETACH __medallion_out')
except Exception as err:
    fail('model() returned ' + type(result).__name__ + ', which DuckDB cannot read as a table: ' + str(err).splitlines()[0], None)
`;
