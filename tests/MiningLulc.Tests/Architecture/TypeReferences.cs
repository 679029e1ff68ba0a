using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MiningLulc.Tests.Architecture;

/// <summary>One use of a type by another, read from a compiled assembly: <see cref="From"/> and
/// <see cref="To"/> are full names of top-level types (a nested or compiler-generated type counts as the
/// type that declares it).</summary>
public readonly record struct TypeUse(string From, string To);

/// <summary>
/// Reads which types each type of an assembly uses, from its metadata (System.Reflection.Metadata): base
/// type and interfaces, field, property, event and method signatures, generic constraints, custom
/// attributes, and the method bodies — locals and every type, method and field token the IL names.
/// Nothing is loaded or run; the assembly file is read as data.
/// </summary>
public static class TypeReferences
{
    public static IReadOnlyCollection<TypeUse> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var names = new Names(md);
        var uses = new HashSet<TypeUse>();
        foreach (var handle in md.TypeDefinitions)
        {
            string from = names.Of(handle);
            if (from.Length == 0) continue;
            var found = new HashSet<string>();
            var type = md.GetTypeDefinition(handle);
            names.Add(type.BaseType, found);
            foreach (var i in type.GetInterfaceImplementations()) names.Add(md.GetInterfaceImplementation(i).Interface, found);
            names.Attributes(type.GetCustomAttributes(), found);
            names.Constraints(type.GetGenericParameters(), found);
            foreach (var f in type.GetFields())
            {
                var field = md.GetFieldDefinition(f);
                found.UnionWith(field.DecodeSignature(names, null));
                names.Attributes(field.GetCustomAttributes(), found);
            }
            foreach (var p in type.GetProperties())
            {
                var property = md.GetPropertyDefinition(p);
                var signature = property.DecodeSignature(names, null);
                found.UnionWith(signature.ReturnType);
                foreach (var parameter in signature.ParameterTypes) found.UnionWith(parameter);
                names.Attributes(property.GetCustomAttributes(), found);
            }
            foreach (var e in type.GetEvents()) names.Add(md.GetEventDefinition(e).Type, found);
            foreach (var m in type.GetMethods())
            {
                var method = md.GetMethodDefinition(m);
                names.Method(method.DecodeSignature(names, null), found);
                names.Attributes(method.GetCustomAttributes(), found);
                names.Constraints(method.GetGenericParameters(), found);
                if (method.RelativeVirtualAddress != 0) names.Body(pe.GetMethodBody(method.RelativeVirtualAddress), found);
            }
            foreach (var to in found)
                if (to.Length > 0 && to != from) uses.Add(new TypeUse(from, to));
        }
        return uses;
    }

    /// <summary>Full names of the top-level types a handle stands for; a signature decodes to the set of them.</summary>
    private sealed class Names(MetadataReader md) : ISignatureTypeProvider<ImmutableHashSet<string>, object?>
    {
        private static readonly ImmutableHashSet<string> None = ImmutableHashSet<string>.Empty;

        public string Of(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil) return Of(declaring);
            string ns = md.GetString(type.Namespace);
            return ns.Length == 0 ? "" : ns + "." + md.GetString(type.Name);
        }

        private string Of(TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference) return Of((TypeReferenceHandle)type.ResolutionScope);
            string ns = md.GetString(type.Namespace);
            return ns.Length == 0 ? "" : ns + "." + md.GetString(type.Name);
        }

        public ImmutableHashSet<string> Types(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => [Of((TypeDefinitionHandle)handle)],
            HandleKind.TypeReference => [Of((TypeReferenceHandle)handle)],
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
            HandleKind.MethodDefinition => [Of(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType())],
            HandleKind.FieldDefinition => [Of(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType())],
            HandleKind.MemberReference => Member((MemberReferenceHandle)handle),
            HandleKind.MethodSpecification => MethodSpecification((MethodSpecificationHandle)handle),
            _ => None,
        };

        private ImmutableHashSet<string> Member(MemberReferenceHandle handle)
        {
            var member = md.GetMemberReference(handle);
            var set = Types(member.Parent);
            if (member.GetKind() == MemberReferenceKind.Method)
            {
                var signature = member.DecodeMethodSignature(this, null);
                set = set.Union(signature.ReturnType);
                foreach (var p in signature.ParameterTypes) set = set.Union(p);
            }
            else set = set.Union(member.DecodeFieldSignature(this, null));
            return set;
        }

        private ImmutableHashSet<string> MethodSpecification(MethodSpecificationHandle handle)
        {
            var spec = md.GetMethodSpecification(handle);
            var set = Types(spec.Method);
            foreach (var argument in spec.DecodeSignature(this, null)) set = set.Union(argument);
            return set;
        }

        public void Add(EntityHandle handle, HashSet<string> found)
        {
            if (!handle.IsNil) found.UnionWith(Types(handle));
        }

        public void Method(MethodSignature<ImmutableHashSet<string>> signature, HashSet<string> found)
        {
            found.UnionWith(signature.ReturnType);
            foreach (var p in signature.ParameterTypes) found.UnionWith(p);
        }

        public void Attributes(CustomAttributeHandleCollection attributes, HashSet<string> found)
        {
            foreach (var a in attributes) Add(md.GetCustomAttribute(a).Constructor, found);
        }

        public void Constraints(GenericParameterHandleCollection parameters, HashSet<string> found)
        {
            foreach (var p in parameters)
                foreach (var c in md.GetGenericParameter(p).GetConstraints())
                    Add(md.GetGenericParameterConstraint(c).Type, found);
        }

        public void Body(MethodBodyBlock body, HashSet<string> found)
        {
            if (!body.LocalSignature.IsNil)
                foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null))
                    found.UnionWith(local);
            foreach (var region in body.ExceptionRegions) Add(region.CatchType, found);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                int code = il.ReadByte();
                if (code == 0xFE) code = 0xFE00 | il.ReadByte();
                switch (Operands[code])
                {
                    case OperandType.InlineNone: break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                    case OperandType.InlineVar: il.Offset += 2; break;
                    case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                    case OperandType.InlineSwitch: int targets = il.ReadInt32(); il.Offset += 4 * targets; break;
                    case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                        Add(MetadataTokens.EntityHandle(il.ReadInt32()), found);
                        break;
                    case OperandType.InlineSig:
                        var sig = md.GetStandaloneSignature((StandaloneSignatureHandle)MetadataTokens.EntityHandle(il.ReadInt32()));
                        Method(sig.DecodeMethodSignature(this, null), found);
                        break;
                    default: il.Offset += 4; break;
                }
            }
        }

        /// <summary>Operand kinds of every IL opcode, by its value (two-byte opcodes as 0xFE00 | second byte).</summary>
        private static readonly Dictionary<int, OperandType> Operands = typeof(OpCodes)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => (int)(ushort)o.Value, o => o.OperandType);

        public ImmutableHashSet<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
        public ImmutableHashSet<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [Of(handle)];
        public ImmutableHashSet<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [Of(handle)];
        public ImmutableHashSet<string> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => Types(handle);
        public ImmutableHashSet<string> GetSZArrayType(ImmutableHashSet<string> elementType) => elementType;
        public ImmutableHashSet<string> GetArrayType(ImmutableHashSet<string> elementType, ArrayShape shape) => elementType;
        public ImmutableHashSet<string> GetByReferenceType(ImmutableHashSet<string> elementType) => elementType;
        public ImmutableHashSet<string> GetPointerType(ImmutableHashSet<string> elementType) => elementType;
        public ImmutableHashSet<string> GetPinnedType(ImmutableHashSet<string> elementType) => elementType;
        public ImmutableHashSet<string> GetGenericInstantiation(ImmutableHashSet<string> genericType, ImmutableArray<ImmutableHashSet<string>> typeArguments)
            => typeArguments.Aggregate(genericType, (set, a) => set.Union(a));
        public ImmutableHashSet<string> GetGenericMethodParameter(object? genericContext, int index) => None;
        public ImmutableHashSet<string> GetGenericTypeParameter(object? genericContext, int index) => None;
        public ImmutableHashSet<string> GetFunctionPointerType(MethodSignature<ImmutableHashSet<string>> signature)
            => signature.ParameterTypes.Aggregate(signature.ReturnType, (set, p) => set.Union(p));
        public ImmutableHashSet<string> GetModifiedType(ImmutableHashSet<string> modifier, ImmutableHashSet<string> unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
