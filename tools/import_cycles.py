"""Fail when modules of `tracker` import each other in a cycle, and print each cycle.

import-linter's contracts compare packages; a cycle between two modules (even inside one package)
is what makes an import order matter and an inline import look necessary, so `make lint` refuses
it here, from the same import graph (grimp) that import-linter builds.
"""

import sys

import grimp

PACKAGE = "tracker"


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The graph's strongly connected components of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = []
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work.append((root, sorted(graph.find_modules_directly_imported_by(root))))
        while work:
            node, pending = work[-1]
            if pending:
                child = pending.pop()
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(graph.find_modules_directly_imported_by(child))))
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


def main() -> int:
    """Build the graph of `tracker` and report its import cycles; 1 when there is any."""
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    components = strongly_connected(graph)
    for component in components:
        print(f"Import cycle between {len(component)} modules of {PACKAGE}:")
        print(describe(graph, component))
    if components:
        return 1
    print(f"No import cycle between the modules of {PACKAGE}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
