//! From the field being resolved to the plain selection tree the read statements are
//! built from (`crate::db::read::Selection`): aliases, fragments with their type
//! conditions, arguments with variables resolved.
//!
//! This walks the operation's syntax tree (`Context::item`, the fragments and variables
//! of `Context::query_env`), which async-graphql exposes for its generated code, because
//! the public look-ahead flattens fragments and loses their type conditions, which a
//! union or interface field needs. `@skip` / `@include` were already applied by
//! async-graphql before execution, and validation (done before execution) has checked
//! types, fragment cycles and depth.

use async_graphql::parser::types::{Field, Selection as AstSelection, SelectionSet};
use async_graphql::{Context, InputType, Value};

use super::analytics::TimeInterval;
use crate::db::read::{Args, Field as PlanField, Selection};
use crate::error::{AppError, AppResult};

/// The selection of the field being resolved.
pub fn current(ctx: &Context<'_>) -> AppResult<Selection> {
    let mut walker = Walker {
        ctx,
        conditions: Vec::new(),
    };
    walker.selection(&ctx.item.node.selection_set.node)
}

/// The merged selection of the current field's sub-fields named `name` (a mutation
/// payload's `article`, say).
pub fn child(ctx: &Context<'_>, name: &str) -> AppResult<Selection> {
    let own = current(ctx)?;
    Ok(Selection {
        fields: own
            .fields
            .into_iter()
            .filter(|f| f.name == name)
            .flat_map(|f| f.selection.fields)
            .collect(),
    })
}

struct Walker<'c, 'a> {
    ctx: &'c Context<'a>,
    conditions: Vec<String>,
}

impl Walker<'_, '_> {
    fn selection(&mut self, set: &SelectionSet) -> AppResult<Selection> {
        let mut fields = Vec::with_capacity(set.items.len());
        self.collect(set, &mut fields)?;
        Ok(Selection { fields })
    }

    fn collect(&mut self, set: &SelectionSet, out: &mut Vec<PlanField>) -> AppResult<()> {
        for item in &set.items {
            match &item.node {
                AstSelection::Field(field) => out.push(self.field(&field.node)?),
                AstSelection::FragmentSpread(spread) => {
                    let Some(fragment) = self
                        .ctx
                        .query_env
                        .fragments
                        .get(&spread.node.fragment_name.node)
                    else {
                        continue;
                    };
                    let condition = fragment.node.type_condition.node.on.node.to_string();
                    self.conditions.push(condition);
                    self.collect(&fragment.node.selection_set.node, out)?;
                    self.conditions.pop();
                }
                AstSelection::InlineFragment(inline) => {
                    let condition = inline
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.to_string());
                    let pushed = condition.is_some();
                    if let Some(c) = condition {
                        self.conditions.push(c);
                    }
                    self.collect(&inline.node.selection_set.node, out)?;
                    if pushed {
                        self.conditions.pop();
                    }
                }
            }
        }
        Ok(())
    }

    fn field(&mut self, field: &Field) -> AppResult<PlanField> {
        let conditions = self.conditions.clone();
        // A field's own selection starts without the fragments around the field.
        let outer = std::mem::take(&mut self.conditions);
        let selection = self.selection(&field.selection_set.node);
        self.conditions = outer;
        Ok(PlanField {
            key: field.response_key().node.to_string(),
            name: field.name.node.to_string(),
            conditions,
            args: self.args(field)?,
            selection: selection?,
        })
    }

    fn args(&self, field: &Field) -> AppResult<Args> {
        let env = self.ctx.query_env;
        let mut args = Args::default();
        for (name, value) in &field.arguments {
            // Variables are replaced by their values, else their defaults.
            let value: Value = value.node.clone().into_const_with(|var| {
                env.operation
                    .node
                    .variable_definitions
                    .iter()
                    .find(|def| def.node.name.node == var)
                    .and_then(|def| {
                        env.variables
                            .get(&def.node.name.node)
                            .or_else(|| def.node.default_value())
                    })
                    .cloned()
                    .ok_or_else(|| AppError::bad_input(format!("variable ${var} is not defined")))
            })?;
            match name.node.as_str() {
                "first" => args.first = int(&value),
                "last" => args.last = int(&value),
                "after" => args.after = string(value),
                "before" => args.before = string(value),
                "interval" => {
                    args.interval = <Option<TimeInterval>>::parse(Some(value))
                        .map_err(|e| AppError::bad_input(e.into_server_error(name.pos).message))?
                        .map(Into::into);
                }
                _ => {}
            }
        }
        Ok(args)
    }
}

fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

fn string(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        _ => None,
    }
}
