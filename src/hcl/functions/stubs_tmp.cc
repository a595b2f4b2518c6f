#include "hcl/functions/internal.h"
namespace kiln::hcl::functions {
void AddNumeric(FunctionMap&) {}
void AddString(FunctionMap&) {}
void AddCollection(FunctionMap&) {}
void AddEncoding(FunctionMap&) {}
void AddFilesystem(FunctionMap&, const FunctionOptions&) {}
void AddDatetime(FunctionMap&, const FunctionOptions&) {}
void AddCrypto(FunctionMap&, const FunctionOptions&) {}
void AddNetwork(FunctionMap&) {}
void AddConversion(FunctionMap&) {}
void AddRemote(FunctionMap&) {}
}
