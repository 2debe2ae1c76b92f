"""The two import rules of docs/architecture.md that import-linter's contracts cannot state,
checked on the same import graph (grimp) by `make lint`; each failure is printed with its lines.

- No import cycle between modules of `tracker`: the contracts compare packages, while a cycle
  between two modules (even inside one package) is what makes an import order matter and an
  inline import look necessary.
- The pure domain packages do not import `django.db` (import-linter forbids only whole external
  packages, and these may use the rest of Django: settings, escaping, URLs).
"""

import re
import sys

import grimp

PURE = ("ingest", "enrich", "text", "charts")
DATABASE_IMPORT = re.compile(r"^\s*(from|import)\s+django\.db\b")


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _imported(graph: grimp.ImportGraph, module: str, package: str) -> list[str]:
    return sorted(m for m in graph.find_modules_directly_imported_by(module) if _inside(m, package))


def strongly_connected(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """The graph's strongly connected components of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(m for m in graph.modules if _inside(m, package)):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = []
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, _imported(graph, root, package)))
        while work:
            node, pending = work[-1]
            if pending:
                child = pending.pop()
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, _imported(graph, child, package)))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    """One cycle through the component, each step with the line that imports."""
    first, members = component[0], set(component)
    lines = []
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(
                    f"    {importer} -> {imported} "
                    f"(l.{detail['line_number']}: {detail['line_contents']})"
                )
    chain = graph.find_shortest_chain(importer=first, imported=component[1]) or ()
    back = graph.find_shortest_chain(importer=component[1], imported=first) or ()
    cycle = " -> ".join([*chain, *back[1:]])
    return f"  cycle: {cycle}\n  imports inside it:\n" + "\n".join(lines)


def database_imports(graph: grimp.ImportGraph, package: str) -> list[str]:
    """`module:line: text` of each import of django.db in a pure package."""
    found = []
    pure = [f"{package}.{name}" for name in PURE]
    for module in sorted(graph.modules):
        if not any(_inside(module, p) for p in pure):
            continue
        if "django" not in graph.find_modules_directly_imported_by(module):
            continue
        for detail in graph.get_import_details(importer=module, imported="django"):
            if DATABASE_IMPORT.match(detail["line_contents"]):
                found.append(f"{module}:{detail['line_number']}: {detail['line_contents']}")
    return found


def main(package: str = "tracker") -> int:
    """Check both rules on the graph of PACKAGE; 1 when either is broken."""
    graph = grimp.build_graph(package, include_external_packages=True, cache_dir=None)
    components = strongly_connected(graph, package)
    for component in components:
        print(f"Import cycle between {len(component)} modules of {package}:")
        print(describe(graph, component))
    if not components:
        print(f"No import cycle between the modules of {package}.")
    reaching = database_imports(graph, package)
    for line in reaching:
        print(f"A pure domain package imports django.db (queries go in selectors/services): {line}")
    if not reaching:
        print(f"No pure domain package ({', '.join(PURE)}) of {package} imports django.db.")
    return 1 if components or reaching else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
