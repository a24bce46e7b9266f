// Receiver checks for classes wrapped with Napi::ObjectWrap. node-addon-api's own
// method wrappers napi_unwrap `this` and call the member on whatever C++ object is
// found: CounterGroup.prototype.size called on a ChecksumKernel reads a CounterGroup
// out of a ChecksumKernel's memory. Here every instance gets a type tag (napi
// type_tag_object) once its constructor has succeeded, and every method and accessor
// checks the tag before it touches the C++ object: a wrong receiver is a TypeError.
//
// Members are plain functions on the prototype, not napi_define_class instance
// members: V8 would refuse a foreign receiver of a method with a bare "Illegal
// invocation" (and does not check getters at all); the tag check names the class.
//
// A class T declares `static constexpr napi_type_tag kTypeTag` (random 128 bits,
// unique per class) and `static constexpr const char* kClassName`, calls
// TagInstance(info, kTypeTag) at the end of its constructor, and is defined with
// DefineTaggedClass<T>(env, {TaggedMethod<T, &T::M>("m"), TaggedGetter<...>("g")}).
#pragma once
#include <napi.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "args.h"

namespace prtip {

inline void TagInstance(const Napi::CallbackInfo& info, const napi_type_tag& tag) {
  napi_status status = napi_type_tag_object(info.Env(), info.This(), &tag);
  if (status != napi_ok) throw Napi::Error::New(info.Env(), "cannot type-tag a new native object");
}

// The C++ object behind `this`, or a TypeError (code ERR_INVALID_THIS) naming the member.
template <typename T>
T* TaggedThis(const Napi::CallbackInfo& info, const char* member) {
  Napi::Env env = info.Env();
  Napi::Value self = info.This();
  bool tagged = false;
  if (self.IsObject()) napi_check_object_type_tag(env, self, &T::kTypeTag, &tagged);
  T* instance = nullptr;
  if (tagged) napi_unwrap(env, self, reinterpret_cast<void**>(&instance));
  if (instance == nullptr) {
    Napi::Error error = Napi::TypeError::New(env, std::string(T::kClassName) + ".prototype." + member +
                                                      ": the receiver (this) must be a " + T::kClassName +
                                                      " made by its constructor, got " + args::DescribeValue(self));
    error.Set("code", Napi::String::New(env, "ERR_INVALID_THIS"));
    throw error;
  }
  return instance;
}

template <typename T, Napi::Value (T::*Member)(const Napi::CallbackInfo&)>
napi_value TaggedCallback(napi_env env, napi_callback_info cbinfo) {
  return Napi::details::WrapCallback(env, [&]() -> napi_value {
    Napi::CallbackInfo info(env, cbinfo);
    T* instance = TaggedThis<T>(info, static_cast<const char*>(info.Data()));
    return (instance->*Member)(info);
  });
}

template <typename T, Napi::Value (T::*Member)(const Napi::CallbackInfo&)>
napi_property_descriptor TaggedMethod(const char* name) {
  napi_property_descriptor desc = {};
  desc.utf8name = name;
  desc.method = TaggedCallback<T, Member>;
  desc.data = const_cast<char*>(name);
  desc.attributes = static_cast<napi_property_attributes>(napi_writable | napi_configurable);
  return desc;
}

template <typename T, Napi::Value (T::*Member)(const Napi::CallbackInfo&)>
napi_property_descriptor TaggedGetter(const char* name) {
  napi_property_descriptor desc = {};
  desc.utf8name = name;
  desc.getter = TaggedCallback<T, Member>;
  desc.data = const_cast<char*>(name);
  desc.attributes = napi_configurable;
  return desc;
}

// The class with no members of its own, then members defined on its prototype.
template <typename T>
Napi::Function DefineTaggedClass(Napi::Env env, std::initializer_list<napi_property_descriptor> members) {
  Napi::Function ctor = T::DefineClass(env, T::kClassName, {});
  Napi::Object prototype = ctor.Get("prototype").template As<Napi::Object>();
  std::vector<napi_property_descriptor> list(members);
  napi_status status = napi_define_properties(env, prototype, list.size(), list.data());
  if (status != napi_ok) throw Napi::Error::New(env, std::string("cannot define the members of ") + T::kClassName);
  return ctor;
}

}  // namespace prtip
