// The tree-sitter queries that find definitions and string literals, per grammar. Capture names say what a match
// is: `@class`, `@interface`, `@enum`, `@struct`, `@record`, `@module`, `@function`, `@method`, `@constructor` are
// definitions (with `@name`); `@anonymous` (Java anonymous class bodies) and `@lambda` (Java lambdas, Go function
// literals) get the runtime's synthetic names; `@scope` only contributes its `@name` to the containers of what it
// holds (Rust `impl` blocks); `@namespace` is a C# namespace; `@package` the package/namespace clause; `@string`
// a string literal. Node types were checked against the grammars @vscode/tree-sitter-wasm 0.3.1 ships.
import type { SyntaxLanguage } from './types';

export interface LanguageQueries {
  readonly definitions: string;
  readonly strings: string;
}

const JS_COMMON = `
(class_declaration name: (_) @name) @class
(class name: (_) @name) @class
(function_declaration name: (identifier) @name) @function
(generator_function_declaration name: (identifier) @name) @function
(function_expression name: (identifier) @name) @function
(method_definition name: (_) @name) @method
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression) (generator_function)]) @function
(assignment_expression left: (member_expression property: (property_identifier) @name) right: [(arrow_function) (function_expression)]) @function
(pair key: (property_identifier) @name value: [(arrow_function) (function_expression)]) @method
`;

const TS_EXTRA = `
(abstract_class_declaration name: (_) @name) @class
(interface_declaration name: (_) @name) @interface
(enum_declaration name: (_) @name) @enum
(internal_module name: (_) @name) @module
(public_field_definition name: (property_identifier) @name value: [(arrow_function) (function_expression)]) @method
`;

const JS_STRINGS = '[(string) (template_string)] @string';

export const QUERIES: Readonly<Record<SyntaxLanguage, LanguageQueries>> = {
  java: {
    definitions: `
(package_declaration [(scoped_identifier) (identifier)] @package)
(class_declaration name: (identifier) @name) @class
(interface_declaration name: (identifier) @name) @interface
(annotation_type_declaration name: (identifier) @name) @interface
(enum_declaration name: (identifier) @name) @enum
(record_declaration name: (identifier) @name) @record
(method_declaration name: (identifier) @name) @method
(constructor_declaration name: (identifier) @name) @constructor
(compact_constructor_declaration name: (identifier) @name) @constructor
(object_creation_expression (class_body)) @anonymous
(enum_constant body: (class_body)) @anonymous
(lambda_expression) @lambda
`,
    strings: '(string_literal) @string',
  },
  go: {
    definitions: `
(package_clause (package_identifier) @package)
(function_declaration name: (identifier) @name) @function
(method_declaration name: (field_identifier) @name) @method
(type_spec name: (type_identifier) @name type: (struct_type)) @struct
(type_spec name: (type_identifier) @name type: (interface_type)) @interface
(func_literal) @lambda
`,
    strings: '[(interpreted_string_literal) (raw_string_literal)] @string',
  },
  python: {
    definitions: `
(class_definition name: (identifier) @name) @class
(function_definition name: (identifier) @name) @function
`,
    strings: '(string) @string',
  },
  javascript: {
    definitions: `${JS_COMMON}
(field_definition property: (property_identifier) @name value: [(arrow_function) (function_expression)]) @method
`,
    strings: JS_STRINGS,
  },
  typescript: { definitions: JS_COMMON + TS_EXTRA, strings: JS_STRINGS },
  tsx: { definitions: JS_COMMON + TS_EXTRA, strings: JS_STRINGS },
  ruby: {
    definitions: `
(class name: (_) @name) @class
(module name: (_) @name) @module
(method name: (_) @name) @function
(singleton_method name: (_) @name) @method
`,
    strings: '[(string) (simple_symbol)] @string',
  },
  php: {
    definitions: `
(namespace_definition name: (namespace_name) @package)
(class_declaration name: (name) @name) @class
(interface_declaration name: (name) @name) @interface
(trait_declaration name: (name) @name) @class
(enum_declaration name: (name) @name) @enum
(function_definition name: (name) @name) @function
(method_declaration name: (name) @name) @method
`,
    strings: '[(string) (encapsed_string) (heredoc) (nowdoc)] @string',
  },
  rust: {
    definitions: `
(struct_item name: (type_identifier) @name) @struct
(union_item name: (type_identifier) @name) @struct
(enum_item name: (type_identifier) @name) @enum
(trait_item name: (type_identifier) @name) @interface
(mod_item name: (identifier) @name body: (_)) @module
(function_item name: (identifier) @name) @function
(impl_item type: (_) @name) @scope
`,
    strings: '[(string_literal) (raw_string_literal)] @string',
  },
  csharp: {
    definitions: `
(namespace_declaration name: (_) @name) @namespace
(file_scoped_namespace_declaration name: (_) @name) @namespace
(class_declaration name: (identifier) @name) @class
(struct_declaration name: (identifier) @name) @struct
(interface_declaration name: (identifier) @name) @interface
(enum_declaration name: (identifier) @name) @enum
(record_declaration name: (identifier) @name) @record
(method_declaration name: (identifier) @name) @method
(constructor_declaration name: (identifier) @name) @constructor
(local_function_statement name: (identifier) @name) @function
`,
    strings: '[(string_literal) (verbatim_string_literal) (raw_string_literal) (interpolated_string_expression)] @string',
  },
  cpp: {
    definitions: `
(class_specifier name: (_) @name body: (_)) @class
(struct_specifier name: (_) @name body: (_)) @struct
(namespace_definition name: (_) @name) @module
(function_definition declarator: (_) @declarator) @function
`,
    strings: '[(string_literal) (raw_string_literal)] @string',
  },
};
