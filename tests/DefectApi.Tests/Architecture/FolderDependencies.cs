using Mono.Cecil;
using Mono.Cecil.Cil;

namespace DefectApi.Tests.Architecture;

/// <summary>
/// Which folders of one compiled project use which others, read from the assembly itself: signatures, base types,
/// attributes and every type, method and field an instruction names. A folder is the namespace segment after the
/// project's root namespace, so "DefectApi.Monitoring.Sql" belongs to folder "Monitoring". Lambdas, closures and state
/// machines are nested types and count for the type that declares them.
/// </summary>
public sealed class FolderDependencies
{
    private readonly string _root;
    private readonly ModuleDefinition _module;
    private readonly Dictionary<(string From, string To), SortedSet<string>> _edges = [];

    private FolderDependencies(ModuleDefinition module, string root) => (_module, _root) = (module, root);

    /// <summary>Every use of one folder by another: (from, to) → the using types, "Type → UsedType".</summary>
    public IReadOnlyDictionary<(string From, string To), SortedSet<string>> Edges => _edges;

    public static FolderDependencies Read(string assemblyPath, string rootNamespace)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var graph = new FolderDependencies(module, rootNamespace);
        foreach (var type in module.GetTypes())
            graph.Visit(type);
        return graph;
    }

    private void Visit(TypeDefinition type)
    {
        var from = FolderOf(type);
        if (from is null) return;
        void Use(TypeReference? used)
        {
            foreach (var part in Parts(used))
                if (FolderOf(part) is { } to && to != from)
                    Add(from, to, $"{Top(type).FullName} → {Top(part).FullName}");
        }

        Use(type.BaseType);
        foreach (var i in type.Interfaces) Use(i.InterfaceType);
        foreach (var a in type.CustomAttributes) Use(a.AttributeType);
        foreach (var field in type.Fields) Use(field.FieldType);
        foreach (var property in type.Properties) Use(property.PropertyType);
        foreach (var method in type.Methods)
        {
            Use(method.ReturnType);
            foreach (var p in method.Parameters) Use(p.ParameterType);
            foreach (var a in method.CustomAttributes) Use(a.AttributeType);
            if (!method.HasBody) continue;
            foreach (var v in method.Body.Variables) Use(v.VariableType);
            foreach (var instruction in method.Body.Instructions)
                switch (instruction.Operand)
                {
                    case TypeReference t: Use(t); break;
                    case MethodReference m:
                        Use(m.DeclaringType);
                        Use(m.ReturnType);
                        foreach (var p in m.Parameters) Use(p.ParameterType);
                        if (m is GenericInstanceMethod g) foreach (var arg in g.GenericArguments) Use(arg);
                        break;
                    case FieldReference f: Use(f.DeclaringType); Use(f.FieldType); break;
                    case Instruction or Instruction[] or VariableDefinition or ParameterDefinition: break;
                }
        }
    }

    private void Add(string from, string to, string example)
    {
        if (!_edges.TryGetValue((from, to), out var uses)) _edges[(from, to)] = uses = [];
        uses.Add(example);
    }

    /// <summary>The type and every type it is built from: element types of arrays and references, generic arguments.</summary>
    private static IEnumerable<TypeReference> Parts(TypeReference? type)
    {
        if (type is null) yield break;
        switch (type)
        {
            case GenericInstanceType g:
                yield return g.ElementType;
                foreach (var arg in g.GenericArguments)
                    foreach (var part in Parts(arg))
                        yield return part;
                break;
            case TypeSpecification spec:
                foreach (var part in Parts(spec.ElementType)) yield return part;
                break;
            case GenericParameter: break;
            default: yield return type; break;
        }
    }

    private static TypeReference Top(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    /// <summary>The folder of a type of this project; null for other assemblies' types.</summary>
    private string? FolderOf(TypeReference type)
    {
        if (Top(type) is not TypeDefinition own || own.Module != _module) return null;
        var ns = own.Namespace;
        if (ns == _root) return "(root)";
        if (!ns.StartsWith(_root + ".", StringComparison.Ordinal)) return null;
        var rest = ns[(_root.Length + 1)..];
        int dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }
}
